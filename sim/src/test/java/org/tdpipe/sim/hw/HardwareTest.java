package org.tdpipe.sim.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HardwareTest {
    private final GpuCatalog catalog = GpuCatalog.standard();

    @Test
    void catalogHoldsTheDesignFacts() {
        GpuSpec l20 = catalog.get("L20");
        assertEquals(119.5, l20.peakTflops());
        assertEquals(864, l20.memoryBandwidthGBps());
        assertEquals(48L << 30, l20.memoryBytes());
        assertEquals(165, catalog.get("rtx4090").peakTflops(), "FP32-accumulate peak, not 330");
        assertEquals(3350, catalog.get("h100-sxm").memoryBandwidthGBps());
        assertEquals(6, catalog.names().size());
    }

    @Test
    void unknownGpuListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.get("v100"));
        assertTrue(e.getMessage().contains("'v100'") && e.getMessage().contains("l20, a100-pcie-80gb"), e.getMessage());
    }

    @Test
    void ringAllReduceFollowsTheBusBandwidthFormula() {
        AllReduceCost ring = AllReduceCost.PCIE4_NCCL_RING;
        // 73 µs + 1e6 B / 23.7 B/ns × 2·3/4
        assertEquals(73_000 + Math.round(1e6 / 23.7 * 1.5), ring.allReduceNanos(1e6, 4), 1);
        // Vidur's 4 × A100-PCIe table: 16.8 MB → 1.115 ms (the fit is within a few percent)
        assertEquals(1.115e6, ring.allReduceNanos(16.8e6, 4), 0.05 * 1.115e6);
        assertEquals(0, ring.allReduceNanos(1e6, 1), "no communication on one GPU");
        assertEquals(73_000 + Math.round(1e6 / 23.7 * 0.75), ring.allGatherNanos(1e6, 4), 1);
        assertThrows(IllegalArgumentException.class, () -> new AllReduceCost(73, 0));
    }

    @Test
    void linkIsLatencyPlusBytesOverBandwidth() {
        LinkSpec link = new LinkSpec(22, 15);
        assertEquals(15_000 + Math.round(22e6 / 22), link.transferNanos(22e6));
        assertEquals(0, link.transferNanos(0));
        assertThrows(IllegalArgumentException.class, () -> new LinkSpec(-1, 0));
    }
}

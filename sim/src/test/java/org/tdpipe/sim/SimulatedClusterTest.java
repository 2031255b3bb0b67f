package org.tdpipe.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.sim.hw.GpuCatalog;
import org.tdpipe.sim.model.ModelCatalog;

class SimulatedClusterTest {
    private final SimulatedCluster cluster = new SimulatedCluster(ClusterSpec.pcie(
            GpuCatalog.standard().get("l20"), 4, ModelCatalog.standard().get("llama-2-13b")));

    @Test
    void profileModeNeedsAProfileAndShowsItToThePolicy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cluster.pipeline(CostMode.PROFILE, null));
        assertTrue(e.getMessage().contains("needs a measured profile"), e.getMessage());
        Profile measured = new Profile("m", new double[] {10, 20});
        SimulatedDeployment d = cluster.pipeline(CostMode.PROFILE, measured);
        assertSame(measured, d.schedulerProfile());
        assertEquals(4, d.numStages());
        assertEquals(4, d.executor().maxInFlight());
    }

    @Test
    void rooflineModeDerivesThePolicyTableWhenNoProfileIsGiven() {
        SimulatedDeployment d = cluster.pipeline(CostMode.ROOFLINE, null);
        assertEquals(2048, d.schedulerProfile().maxTokens());
        assertEquals(35.3, d.schedulerProfile().forwardMs(1), 35.3 * 0.05);
        assertEquals(2, cluster.pipeline(CostMode.ROOFLINE, null, 2).executor().maxInFlight());
    }

    @Test
    void costModesParseByName() {
        assertEquals(CostMode.ROOFLINE, CostMode.byName(" Roofline "));
        assertThrows(IllegalArgumentException.class, () -> CostMode.byName("magic"));
    }

    @Test
    void tooManyStagesForTheModelIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClusterSpec.pcie(GpuCatalog.standard().get("l20"), 13,
                ModelCatalog.standard().get("opt-125m")));
    }
}

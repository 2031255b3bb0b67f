package org.tdpipe.sim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.sim.hw.AllReduceCost;
import org.tdpipe.sim.hw.GpuCatalog;
import org.tdpipe.sim.hw.GpuSpec;
import org.tdpipe.sim.hw.LinkSpec;
import org.tdpipe.sim.model.ModelCatalog;
import org.tdpipe.sim.model.ModelShape;

class CostModelsTest {
    private final GpuSpec l20 = GpuCatalog.standard().get("l20");
    private final ModelShape llama13 = ModelCatalog.standard().get("llama-2-13b");
    private final RooflineEfficiency eff = RooflineEfficiency.L20_CALIBRATED;

    private static BatchLoad decode(int seqs, int context) {
        return new BatchLoad(seqs, seqs, (long) seqs * context, (long) seqs * context);
    }

    @Test
    void batchLoadSumsTokensPairsAndContext() {
        Request a = new Request(1, "a", new int[100], SamplingParams.fixedLength(8), 0);
        Request b = new Request(2, "b", new int[10], SamplingParams.fixedLength(8), 0);
        StepBatch batch = new StepBatch(7, Phase.MIXED, List.of(
                new ScheduledSeq(a, 50, 50, true), // chunk [50, 100): 50·50 + 50·51/2 pairs
                new ScheduledSeq(b, 0, 10, false)), 0);
        BatchLoad load = BatchLoad.of(batch);
        assertEquals(new BatchLoad(60, 1, 50 * 50 + 50 * 51 / 2 + 55, 110), load);
        assertEquals(new BatchLoad(3, 1, 6, 3), BatchLoad.prefill(3));
    }

    @Test
    void profileCostSplitsTheForwardEvenly() {
        Profile p = new Profile("test", new double[] {4, 8, 12});
        ProfileStageCost cost = new ProfileStageCost(p);
        assertEquals(2_000_000, cost.stageNanos(BatchLoad.prefill(2), 3, 4));
        assertEquals(2_000_000, cost.stageNanos(decode(2, 1000), 0, 4), "the profile ignores context");
        assertThrows(IllegalArgumentException.class, () -> cost.stageNanos(BatchLoad.prefill(2), 4, 4));
    }

    @Test
    void rooflineDecodeGrowsWithContextAndLastStageCarriesTheHead() {
        RooflineStageCost cost = new RooflineStageCost(new TransformerRoofline(l20, llama13, eff, 1));
        long shortCtx = cost.stageNanos(decode(64, 100), 1, 4);
        long longCtx = cost.stageNanos(decode(64, 1500), 1, 4);
        // each extra context token adds 10 layers × 20 KiB of K and V to read on this stage
        assertTrue(longCtx > shortCtx * 1.5, shortCtx + " vs " + longCtx);
        long middle = cost.stageNanos(decode(64, 100), 1, 4);
        long last = cost.stageNanos(decode(64, 100), 3, 4);
        assertTrue(last > middle, "LM head and sampling on the last stage");
        long first = cost.stageNanos(decode(64, 100), 0, 4);
        assertTrue(first >= middle && first < last);
    }

    @Test
    void pipelineStagesAddUpToTheSingleGpuForward() {
        RooflineStageCost cost = new RooflineStageCost(new TransformerRoofline(l20, llama13, eff, 1));
        BatchLoad load = BatchLoad.prefill(512);
        long sum = 0;
        for (int s = 0; s < 4; s++) {
            sum += cost.stageNanos(load, s, 4);
        }
        assertEquals(cost.stageNanos(load, 0, 1), sum, 4, "same work, split by layers");
    }

    @Test
    void tensorParallelPaysTwoAllReducesPerLayer() {
        AllReduceCost ring = AllReduceCost.PCIE4_NCCL_RING;
        TensorParallelCost tp = TensorParallelCost.roofline(l20, llama13, eff, 4, ring);
        BatchLoad load = BatchLoad.prefill(2048);
        long perAllReduce = ring.allReduceNanos(2048.0 * 5120 * 2, 4);
        long gather = ring.allGatherNanos(32000.0 * 2, 4);
        assertEquals(81 * perAllReduce + gather, tp.communicationNanos(load));
        // reference simulators.md §6: TP4 communication ≈ 112 ms for a 2048-token prefill
        assertEquals(112e6, tp.communicationNanos(load), 0.05 * 112e6);
        RooflineStageCost single = new RooflineStageCost(new TransformerRoofline(l20, llama13, eff, 1));
        long compute = tp.stageNanos(load, 0, 1) - tp.communicationNanos(load);
        assertEquals(single.stageNanos(load, 0, 1) / 4.0, compute, 0.1 * compute, "compute splits ~1/4");
        assertThrows(IllegalArgumentException.class, () -> tp.stageNanos(load, 1, 4));
        assertThrows(IllegalArgumentException.class,
                () -> TensorParallelCost.roofline(l20, llama13, eff, 3, ring), "40 heads over 3 GPUs");
    }

    @Test
    void tensorParallelFromProfileDividesTheProfile() {
        Profile p = new Profile("test", new double[] {4, 8});
        TensorParallelCost tp = TensorParallelCost.fromProfile(p, llama13, 2, AllReduceCost.PCIE4_NCCL_RING);
        BatchLoad load = BatchLoad.prefill(2);
        assertEquals(4_000_000 + tp.communicationNanos(load), tp.stageNanos(load, 0, 1));
    }

    @Test
    void activationTransferCarriesHiddenAndResidual() {
        ActivationTransfer transfer = new ActivationTransfer(new LinkSpec(20, 10), llama13);
        // 2 × 2048 × 5120 × 2 B = 41.9 MB over 20 GB/s ≈ 2.1 ms (reference §6)
        assertEquals(10_000 + Math.round(2.0 * 2048 * 5120 * 2 / 20), transfer.nanos(2048));
    }

    @Test
    void profileFromCostModelTabulatesSinglePrompts() {
        RooflineStageCost cost = new RooflineStageCost(new TransformerRoofline(l20, llama13, eff, 1));
        Profile table = ProfileFromCostModel.build("roofline", cost, 2048);
        assertEquals(2048, table.maxTokens());
        assertEquals(cost.stageNanos(BatchLoad.prefill(300), 0, 1) / 1e6, table.forwardMs(300), 1e-9);
        assertTrue(table.forwardMs(2048) > table.forwardMs(1));
    }

    @Test
    void plainMaxIsTheLimitOfTheSoftRoofline() {
        RooflineEfficiency sharp = new RooflineEfficiency(1, 1, Double.POSITIVE_INFINITY, 0);
        assertEquals(3.0, sharp.combine(3, 2));
        assertEquals(Math.sqrt(13), new RooflineEfficiency(1, 1, 2, 0).combine(3, 2), 1e-12);
        assertEquals(5.0, eff.combine(5, 0));
        assertThrows(IllegalArgumentException.class, () -> new RooflineEfficiency(1.2, 0.8, 2, 0));
    }

    @Test
    void aStageIsNeverFasterThanLaunchingItsKernels() {
        ModelShape opt = ModelCatalog.standard().get("opt-125m");
        RooflineStageCost cost = new RooflineStageCost(new TransformerRoofline(l20, opt, eff, 1));
        assertEquals(6 * 230_000, cost.stageNanos(decode(1, 10), 1, 2), "6 layers × 230 µs");
    }
}

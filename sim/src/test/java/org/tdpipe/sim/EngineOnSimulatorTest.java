package org.tdpipe.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.timeline.BubbleCause;
import org.tdpipe.core.timeline.Starvation;
import org.tdpipe.sim.hw.GpuCatalog;
import org.tdpipe.sim.model.ModelCatalog;
import org.tdpipe.sim.workload.ArrivalProcess;
import org.tdpipe.sim.workload.LengthFilter;
import org.tdpipe.sim.workload.SyntheticShareGpt;
import org.tdpipe.sim.workload.WorkloadRequests;
import org.tdpipe.sim.workload.Workloads;

/** The real engine driving the simulated cluster with a trivial test policy. */
class EngineOnSimulatorTest {
    private final SimulatedCluster cluster = new SimulatedCluster(ClusterSpec.pcie(
            GpuCatalog.standard().get("l20"), 4, ModelCatalog.standard().get("llama-2-13b")));

    private static List<Request> workload(int n, ArrivalProcess arrivals) {
        return WorkloadRequests.toRequests(
                Workloads.build(SyntheticShareGpt.generate(n, 1), LengthFilter.PAPER, n, 1, arrivals), "syn");
    }

    private static RunResult run(SimulatedDeployment d, List<Request> requests, FcfsTestPolicy policy) {
        Engine engine = new Engine(d.executor(), policy, new OraclePredictor(), new StopChecker(StopChecker.NO_EOS, 4096),
                EngineListener.NONE);
        return engine.run(requests);
    }

    @Test
    void everyRequestProducesExactlyItsMaxTokensAndTheCacheEndsEmpty() {
        SimulatedDeployment d = cluster.pipeline(CostMode.ROOFLINE, null);
        FcfsTestPolicy policy = new FcfsTestPolicy(d.kvCapacity().numBlocks(), d.kvCapacity().blockSize());
        List<Request> requests = workload(200, new ArrivalProcess.Offline());
        RunResult result = run(d, requests, policy);
        for (Request r : result.requests()) {
            assertEquals(FinishReason.LENGTH, r.finishReason(), r.toString());
            assertEquals(r.sampling().maxTokens(), r.numOutputTokens(), r.toString());
        }
        assertEquals(0, policy.blocks().numUsedBlocks());
        assertTrue(result.elapsedSeconds() > 1, "200 requests of ~400 tokens take seconds on 4 L20s");
        assertTrue(result.timelineStats().bubbleRatio() >= 0 && result.timelineStats().bubbleRatio() < 1);
    }

    @Test
    void theSimulationIsDeterministic() {
        List<Request> first = workload(100, new ArrivalProcess.Poisson(20, 5));
        SimulatedDeployment a = cluster.pipeline(CostMode.ROOFLINE, null);
        RunResult ra = run(a, first, new FcfsTestPolicy(a.kvCapacity().numBlocks(), 16));
        SimulatedDeployment b = cluster.pipeline(CostMode.ROOFLINE, null);
        RunResult rb = run(b, workload(100, new ArrivalProcess.Poisson(20, 5)), new FcfsTestPolicy(b.kvCapacity().numBlocks(), 16));
        assertEquals(ra.elapsedNanos(), rb.elapsedNanos());
        assertEquals(ra.timeline().spans(), rb.timeline().spans());
    }

    @Test
    void tensorParallelRunsOneBatchAtATimeOnOneLogicalStage() {
        SimulatedDeployment d = cluster.tensorParallel(CostMode.ROOFLINE, null);
        assertEquals(1, d.numStages());
        assertEquals(1, d.executor().maxInFlight());
        RunResult result = run(d, workload(50, new ArrivalProcess.Offline()),
                new FcfsTestPolicy(d.kvCapacity().numBlocks(), 16));
        assertEquals(1, result.timeline().numStages());
        assertTrue(result.requests().stream().allMatch(r -> r.numOutputTokens() == r.sampling().maxTokens()));
    }

    @Test
    void launchesHeldBackWhileRequestsWaitForMemoryAreChargedToMemory() {
        SimulatedDeployment d = cluster.pipeline(CostMode.ROOFLINE, null);
        // 200 blocks hold one or two requests at their final length: the rest wait for memory
        RunResult result = run(d, workload(40, new ArrivalProcess.Offline()), new FcfsTestPolicy(200, 16));
        List<Starvation> starvations = result.timeline().starvations();
        assertTrue(starvations.stream().anyMatch(s -> s.waitingRequests() > 0), starvations.toString());
        assertTrue(result.timelineStats().bubbleShare().get(BubbleCause.MEMORY) > 0.05,
                result.timelineStats().bubbleShare().toString());
    }

    @Test
    void slotsLeftEmptyBetweenSparseArrivalsAreFillAndDrain() {
        SimulatedDeployment d = cluster.pipeline(CostMode.ROOFLINE, null);
        RunResult result = run(d, workload(20, new ArrivalProcess.Poisson(0.02, 3)),
                new FcfsTestPolicy(d.kvCapacity().numBlocks(), 16));
        List<Starvation> starvations = result.timeline().starvations();
        assertFalse(starvations.isEmpty());
        assertTrue(starvations.stream().allMatch(s -> s.waitingRequests() == 0), starvations.toString());
        assertEquals(0, result.timelineStats().bubbleShare().get(BubbleCause.MEMORY));
        assertTrue(result.timelineStats().bubbleShare().get(BubbleCause.FILL_DRAIN) > 0.5,
                "a pipeline mostly waiting for arrivals: " + result.timelineStats().bubbleShare());
    }
}

package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.WallClock;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StageWorkerTest {
    @Test
    void closingGivesUpOnAThreadStuckInAComputationThatIgnoresInterrupts() throws InterruptedException {
        try (ModelSource source = ModelSources.open("dummy:llama-260k")) {
            int layers = source.config().numLayers();
            StageResources resources = new StageResources(8, 16, 1, 0);
            StuckStage stuck = new StuckStage(LlamaStageComputation.load(source, new LayerRange(0, layers, layers), resources),
                    batch -> true);
            List<WorkerReport> reports = new CopyOnWriteArrayList<>();
            StageWorker worker = new StageWorker(0, stuck, Optional.empty(), Optional.empty(), reports::add, new Timeline(1),
                    new WallClock());
            Request r = new Request(0, "r", new int[] {1, 2, 3}, SamplingParams.greedy(1), 0);
            new BlockManager(8, 16, 0).ensureCapacity(r, 3);
            worker.accept(new StepEncoder().encode(new StepBatch(0, Phase.PREFILL, List.of(new ScheduledSeq(r, 0, 3, true)), 0)));
            worker.start();
            stuck.awaitStuck();

            worker.close();

            Thread thread = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getName().equals("tdpipe-stage-0") && List.of(e.getValue()).stream()
                            .anyMatch(frame -> frame.getClassName().equals(StuckStage.class.getName())))
                    .map(java.util.Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no stuck stage thread"));
            assertTrue(thread.isAlive(), "the stuck thread is left behind");
            stuck.release();
            thread.join();
            assertEquals(1, reports.size(), "the released batch still reports: " + reports);
        }
    }
}

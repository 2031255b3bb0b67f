package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.predict.learned.LearnedLengthPredictor;
import org.tdpipe.core.predict.learned.LengthExample;
import org.tdpipe.core.predict.learned.LengthModelTrainer;
import org.tdpipe.core.predict.learned.LengthQuery;
import org.tdpipe.core.predict.learned.TrainingOptions;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.testing.FakePipelineExecutor;

class DistributionMemoryPolicyTest {
    @Test
    void tdPipeWithDistributionMemoryRunsAWorkloadToCompletion() {
        Random rnd = new Random(2);
        List<LengthExample> training = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            training.add(new LengthExample(LengthQuery.lengthOnly(4 + rnd.nextInt(60)), 4 + rnd.nextInt(80)));
        }
        LearnedLengthPredictor predictor = new LearnedLengthPredictor("learned-online",
                LengthModelTrainer.train(training, TrainingOptions.defaults(1).withEpochs(2)), true, 100);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(new Request(i, "r" + i, new int[4 + rnd.nextInt(60)], SamplingParams.fixedLength(4 + rnd.nextInt(80)), 0));
        }
        PolicyContext ctx = new PolicyContext(4, 60, 16, 4096, TdPipeSmokeTest.linearProfile(), predictor);
        RunResult result = new Engine(new FakePipelineExecutor(4, 1_000_000, 10_000), Policies.create("td-pipe/dist-memory", ctx),
                predictor, new StopChecker(StopChecker.NO_EOS, 4096), EngineListener.NONE).run(requests);
        for (Request r : result.requests()) {
            assertEquals(FinishReason.LENGTH, r.finishReason(), r.toString());
        }
        assertEquals(0, result.schedulerStats().usedBlocks());
        assertEquals(100, predictor.recentAccuracy().count());
        assertTrue(result.schedulerStats().phaseSwitches() > 2);
    }
}

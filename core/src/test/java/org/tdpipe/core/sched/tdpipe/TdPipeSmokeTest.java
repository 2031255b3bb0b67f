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
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.testing.FakePipelineExecutor;

public class TdPipeSmokeTest {
    public static Profile linearProfile() {
        double[] ms = new double[2048];
        for (int n = 1; n <= ms.length; n++) {
            ms[n - 1] = 10 + 0.1 * n;
        }
        return new Profile("linear", ms);
    }

    @Test
    void runsAWorkloadWithPreemptionToCompletion() {
        Random rnd = new Random(1);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int[] prompt = new int[4 + rnd.nextInt(60)];
            requests.add(new Request(i, "r" + i, prompt, SamplingParams.fixedLength(4 + rnd.nextInt(80)), 0));
        }
        FakePipelineExecutor exec = new FakePipelineExecutor(4, 1_000_000, 10_000);
        PolicyContext ctx = new PolicyContext(4, 60, 16, 4096, linearProfile(), new OraclePredictor());
        TdPipePolicy policy = new TdPipePolicy("td-pipe", ctx, TdPipeOptions.faithful());
        RunResult result = new Engine(exec, policy, new OraclePredictor(), new StopChecker(StopChecker.NO_EOS, 4096),
                EngineListener.NONE).run(requests);
        for (Request r : result.requests()) {
            assertEquals(FinishReason.LENGTH, r.finishReason(), r.toString());
            assertEquals(r.sampling().maxTokens(), r.numOutputTokens());
        }
        assertEquals(0, result.schedulerStats().usedBlocks());
        assertTrue(result.schedulerStats().preemptions() > 0, "expected preemptions with 60 blocks");
        assertTrue(result.schedulerStats().phaseSwitches() > 2);
    }
}

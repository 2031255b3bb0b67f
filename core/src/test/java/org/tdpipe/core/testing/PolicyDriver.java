package org.tdpipe.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerPolicy;

/**
 * Drives a policy by hand, playing the engine: adds requests, launches batches and completes them
 * in any order (every sampled token is 7; a request finishes at its max_tokens).
 */
public final class PolicyDriver {
    private final SchedulerPolicy policy;
    private final List<Request> ignored = new ArrayList<>();
    private long nextId;

    public PolicyDriver(SchedulerPolicy policy) {
        this.policy = policy;
    }

    public static PolicyContext context(int numStages, int numBlocks, int blockSize, int maxModelLen) {
        return new PolicyContext(numStages, numBlocks, blockSize, maxModelLen,
                new Profile("flat", new double[] {1.0}), new OraclePredictor());
    }

    public SchedulerPolicy policy() {
        return policy;
    }

    public List<Request> ignored() {
        return ignored;
    }

    /** Adds a request with a prompt of {@code promptLen} tokens arriving at {@code arrival}. */
    public Request add(int promptLen, int maxTokens, long arrival) {
        long id = nextId++;
        Request r = new Request(id, "r" + id, new int[promptLen], SamplingParams.fixedLength(maxTokens), arrival);
        policy.add(r);
        return r;
    }

    public Request add(int promptLen, int maxTokens) {
        return add(promptLen, maxTokens, nextId);
    }

    public Optional<StepBatch> tryLaunch() {
        return policy.schedule(0, ignored::add);
    }

    public StepBatch launch() {
        Optional<StepBatch> batch = tryLaunch();
        assertTrue(batch.isPresent(), "expected a batch: " + policy.stats());
        return batch.get();
    }

    /** Completes a launched batch as the engine does. */
    public void complete(StepBatch batch) {
        for (ScheduledSeq seq : batch.seqs()) {
            Request r = seq.request();
            r.markComputed(seq.numTokens());
            if (seq.samples()) {
                r.appendToken(7, 0);
                if (r.numOutputTokens() >= r.sampling().maxTokens()) {
                    r.markFinished(FinishReason.LENGTH, 0);
                }
            }
        }
        policy.onBatchComplete(batch);
    }

    /** The ids of the batch's requests, in batch order. */
    public static List<Long> ids(StepBatch batch) {
        return batch.seqs().stream().map(s -> s.request().id()).toList();
    }

    /** "id:start+tokens" for each sequence, with "s" when it samples. */
    public static List<String> slices(StepBatch batch) {
        List<String> out = new ArrayList<>();
        for (ScheduledSeq s : batch.seqs()) {
            out.add(s.request().id() + ":" + s.start() + "+" + s.numTokens() + (s.samples() ? "s" : ""));
        }
        return out;
    }
}

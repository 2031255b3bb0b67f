package org.tdpipe.core.sched;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tdpipe.core.exec.ForwardingPipelineExecutor;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.core.testing.FakePipelineExecutor;

/**
 * Wraps the fake pipeline and checks, at every launch, what a policy hands the engine: the batch
 * feeds exactly the next uncomputed tokens of requests that are RUNNING and in no other batch in
 * flight, samples iff it reaches the end of a sequence, has blocks for every token it feeds, and
 * the KV blocks in use stay within the cache, each owned by one request, as the policy reports.
 * It also records every launch so two runs can be compared, and fails a run that does not end.
 */
final class CheckingExecutor extends ForwardingPipelineExecutor {
    private final SchedulerPolicy policy;
    private final PolicyContext ctx;
    private final List<Request> requests;
    private final int maxLaunches;
    private final Set<Request> inFlight = new HashSet<>();
    private final List<String> launches = new ArrayList<>();
    private long lastBatchId = -1;

    CheckingExecutor(FakePipelineExecutor delegate, SchedulerPolicy policy, PolicyContext ctx, List<Request> requests,
            int maxLaunches) {
        super(delegate);
        this.policy = policy;
        this.ctx = ctx;
        this.requests = requests;
        this.maxLaunches = maxLaunches;
    }

    /** One line per launched batch: time, id, stream, phase and slices. */
    List<String> launches() {
        return launches;
    }

    @Override
    public void submit(StepBatch batch) {
        if (launches.size() >= maxLaunches) {
            throw new AssertionError(policy.name() + " launched " + maxLaunches + " batches without finishing: "
                    + policy.stats());
        }
        check(batch.id() > lastBatchId, "batch ids must increase: " + batch.id() + " after " + lastBatchId);
        lastBatchId = batch.id();
        StringBuilder line = new StringBuilder().append(clock().nanos()).append(" #").append(batch.id())
                .append(" s").append(batch.stream()).append(' ').append(batch.phase());
        for (ScheduledSeq seq : batch.seqs()) {
            checkSeq(batch, seq);
            line.append(' ').append(seq.request().id()).append(':').append(seq.start()).append('+')
                    .append(seq.numTokens()).append(seq.samples() ? "s" : "");
        }
        launches.add(line.toString());
        checkBlocks();
        super.submit(batch);
    }

    private void checkSeq(StepBatch batch, ScheduledSeq seq) {
        Request r = seq.request();
        String where = "batch " + batch.id() + ", " + r + ": ";
        check(r.status() == RequestStatus.RUNNING, where + "launched but not RUNNING");
        check(inFlight.add(r), where + "already in a batch in flight");
        check(seq.start() == r.numComputedTokens(), where + "slice starts at " + seq.start() + ", not at the first uncomputed token");
        int end = seq.start() + seq.numTokens();
        check(end <= r.numTokens(), where + "slice ends at " + end + " past the sequence");
        check(seq.samples() == (end == r.numTokens()), where + "samples=" + seq.samples() + " but slice ends at " + end);
        int needed = (end + ctx.blockSize() - 1) / ctx.blockSize();
        check(r.blockTable().size() >= needed, where + "feeds " + end + " tokens with " + r.blockTable().size() + " blocks");
    }

    private void checkBlocks() {
        SchedulerStats stats = policy.stats();
        check(stats.totalBlocks() <= ctx.numBlocks(), "policy manages " + stats.totalBlocks() + " blocks of " + ctx.numBlocks());
        check(stats.usedBlocks() <= stats.totalBlocks(), "policy uses " + stats.usedBlocks() + " of " + stats.totalBlocks() + " blocks");
        Set<Integer> owned = new HashSet<>();
        for (Request r : requests) {
            for (int b : r.blockTable().toArray()) {
                check(b >= 0 && b < ctx.numBlocks(), r + " holds block " + b + " outside the cache of " + ctx.numBlocks());
                check(owned.add(b), "block " + b + " is held by two requests, one of them " + r);
            }
        }
        check(owned.size() == stats.usedBlocks(), "requests hold " + owned.size() + " blocks but the policy reports "
                + stats.usedBlocks() + " used");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        Optional<StepResult> done = super.next(deadlineNanos);
        done.ifPresent(result -> {
            for (ScheduledSeq seq : result.batch().seqs()) {
                inFlight.remove(seq.request());
            }
        });
        return done;
    }
}

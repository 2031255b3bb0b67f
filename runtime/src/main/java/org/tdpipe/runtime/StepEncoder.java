package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockTable;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.PromptScoring;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.SequenceStart;
import org.tdpipe.model.step.SequenceStep;
import org.tdpipe.model.step.StepInput;
import org.tdpipe.model.step.TokenMask;

/**
 * The engine-facing adapter of a pipeline: turns each {@link StepBatch} (the engine's live
 * requests) into the plain {@link StepInput} every stage gets, as a delta against what the stages
 * were sent before. Per sequence, the tokens fed this step, their position and the block ids
 * appended since its previous step; when a sequence (re)starts, also its id, prompt length and
 * sampling settings. Sequences that finished or were preempted since the previous batch are
 * released. A decode step therefore costs the same whatever the context length. A request the
 * stages do not hold may start past position 0 only when it declares the tokens before computed
 * (a profiler's probe). Used from the controller thread; with the executors it serves, the only
 * code below the engine that reads a {@link Request}.
 */
public final class StepEncoder {
    private final Map<Long, Sent> sent = new HashMap<>();

    /** What the stages hold of a request: its first {@code tokens} tokens and {@code blocks} blocks. */
    private static final class Sent {
        final Request request;
        int tokens;
        int blocks;

        Sent(Request request) {
            this.request = request;
        }
    }

    /** Whether the stages hold the KV cache (and state) of {@code request}, so that it may continue. */
    public boolean holds(Request request) {
        Sent s = sent.get(request.id());
        return s != null && s.request == request;
    }

    /** Every request whose state the stages hold. */
    public List<Request> held() {
        return sent.values().stream().map(s -> s.request).toList();
    }

    public StepInput encode(StepBatch batch) {
        List<Long> released = releaseGone();
        List<SequenceStep> seqs = new ArrayList<>(batch.seqs().size());
        for (ScheduledSeq seq : batch.seqs()) {
            seqs.add(encode(batch, seq));
        }
        return new StepInput(batch.id(), batch.phase(), batch.stream(), seqs, released);
    }

    /** Sequences that finished or went back to waiting (preempted) are no longer needed by the stages. */
    private List<Long> releaseGone() {
        List<Long> released = new ArrayList<>();
        for (Iterator<Sent> it = sent.values().iterator(); it.hasNext(); ) {
            Request r = it.next().request;
            if (r.isFinished() || r.status() == RequestStatus.WAITING) {
                released.add(r.id());
                it.remove();
            }
        }
        return released;
    }

    private SequenceStep encode(StepBatch batch, ScheduledSeq seq) {
        Request r = seq.request();
        Sent held = sent.get(r.id());
        Optional<SequenceStart> begins = Optional.empty();
        if (seq.start() == 0 || held == null || held.request != r) {
            if (seq.start() > 0 && r.numComputedTokens() != seq.start()) {
                throw new IllegalStateException("batch " + batch.id() + ": request " + r.externalId() + " continues at position "
                        + seq.start() + " but the stages hold none of its tokens");
            }
            held = new Sent(r);
            sent.put(r.id(), held);
            begins = Optional.of(new SequenceStart(r.externalId(), r.promptLength(), settings(r.sampling()),
                    Ints.of(r.tokens(0, seq.start()))));
        } else if (held.tokens != seq.start()) {
            throw new IllegalStateException("batch " + batch.id() + ": request " + r.externalId() + " continues at position "
                    + seq.start() + " but the stages hold " + held.tokens + " of its tokens");
        }
        BlockTable table = r.blockTable();
        if (table.size() < held.blocks) {
            throw new IllegalStateException("batch " + batch.id() + ": request " + r.externalId() + "'s block table shrank from "
                    + held.blocks + " to " + table.size() + " blocks without a restart");
        }
        int[] newBlocks = new int[table.size() - held.blocks];
        for (int i = 0; i < newBlocks.length; i++) {
            newBlocks[i] = table.get(held.blocks + i);
        }
        held.tokens = seq.contextLength();
        held.blocks = table.size();
        Optional<TokenMask> allowed = seq.samples() ? r.grammarCursor().map(cursor -> TokenMask.of(cursor.allowed()))
                : Optional.empty();
        return new SequenceStep(r.id(), seq.start(), Ints.of(r.tokens(seq.start(), seq.contextLength())), Ints.of(newBlocks),
                seq.samples(), begins, allowed, scoring(r, seq));
    }

    /** The prompt tokens after those fed (prompt log-probabilities): fed token at position p scores prompt token p + 1. */
    private static Optional<PromptScoring> scoring(Request r, ScheduledSeq seq) {
        int top = r.sampling().promptLogprobs();
        int end = Math.min(seq.contextLength(), r.promptLength() - 1);
        if (top < 0 || seq.start() >= end) {
            return Optional.empty();
        }
        return Optional.of(new PromptScoring(top, Ints.of(r.tokens(seq.start() + 1, end + 1))));
    }

    private static SamplingSettings settings(SamplingParams p) {
        return new SamplingSettings(p.temperature(), p.topP(), p.topK(), p.minP(), p.seed(), p.repetitionPenalty(),
                p.presencePenalty(), p.frequencyPenalty(), p.logprobs(), p.logitBias(), p.minTokens());
    }
}

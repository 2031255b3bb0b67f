package org.tdpipe.core.request;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.kv.BlockTable;

/**
 * One generation request and its mutable scheduling state. Owned by the engine thread; while the
 * request is {@link RequestStatus#RUNNING} its tokens and block table are frozen, so executors may
 * read them from other threads until the batch completes.
 *
 * <p>The token sequence is prompt + generated tokens. {@code numComputedTokens} of them have their
 * KV in the cache; the next step feeds tokens {@code [numComputedTokens, numTokens())}. A prefill
 * covers the prompt (or, after a preemption by recompute, prompt + tokens generated so far); a
 * decode step feeds the single last token.
 */
public final class Request {
    /** First come, first served: by arrival time, then by id. */
    public static final Comparator<Request> ARRIVAL_ORDER = (a, b) -> a.arrivalNanos != b.arrivalNanos
            ? Long.compare(a.arrivalNanos, b.arrivalNanos)
            : Long.compare(a.id, b.id);

    private final long id;
    private final String externalId;
    private final int[] promptTokens;
    private final SamplingParams sampling;
    private final long arrivalNanos;
    private final BlockTable blockTable = new BlockTable();

    private int[] outputTokens;
    private int numOutputTokens;
    private int numComputedTokens;
    private RequestStatus status = RequestStatus.WAITING;
    private FinishReason finishReason;
    private String error;
    private int predictedOutputLength = -1;
    private int preemptions;
    private long firstScheduledNanos = -1;
    private long firstTokenNanos = -1;
    private long lastTokenNanos = -1;
    private long finishNanos = -1;
    private final Optional<OutputGrammar.Cursor> grammarCursor;
    /** Prompt token i's score at index i (none for token 0), when the sampling asks for prompt log-probabilities. */
    private final SampledToken[] promptScores;
    private final int[] promptRanks;

    public Request(long id, String externalId, int[] promptTokens, SamplingParams sampling, long arrivalNanos) {
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("request " + externalId + ": prompt is empty (it needs at least one token, e.g. BOS)");
        }
        this.id = id;
        this.externalId = Objects.requireNonNull(externalId, "externalId");
        this.promptTokens = promptTokens.clone();
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        this.arrivalNanos = arrivalNanos;
        this.outputTokens = new int[Math.min(sampling.maxTokens(), 1024)];
        this.grammarCursor = sampling.grammar().map(OutputGrammar::start);
        this.promptScores = sampling.promptLogprobs() >= 0 ? new SampledToken[promptTokens.length] : null;
        this.promptRanks = sampling.promptLogprobs() >= 0 ? new int[promptTokens.length] : null;
    }

    /** Records how a batch scored prompt positions from {@code scores.firstPosition()} (a recompute scores them again, alike). */
    public void recordPromptLogprobs(PromptLogprobs scores) {
        int first = scores.firstPosition();
        if (promptScores == null || first + scores.scores().size() > promptScores.length) {
            throw new IllegalStateException("request " + externalId + ": unexpected prompt scores for positions " + first + ".."
                    + (first + scores.scores().size() - 1));
        }
        for (int i = 0; i < scores.scores().size(); i++) {
            promptScores[first + i] = scores.scores().get(i);
            promptRanks[first + i] = scores.ranks().get(i);
        }
    }

    /** The scores of prompt tokens 1 .. n-1 (vLLM's {@code prompt_logprobs}) as far as prefilled; empty when not asked for. */
    public PromptLogprobs promptLogprobs() {
        List<SampledToken> scores = new ArrayList<>();
        List<Integer> ranks = new ArrayList<>();
        for (int i = 1; promptScores != null && i < promptScores.length && promptScores[i] != null; i++) {
            scores.add(promptScores[i]);
            ranks.add(promptRanks[i]);
        }
        return new PromptLogprobs(id, 1, scores, ranks);
    }

    /** Where the output is in its grammar (structured output), if it has one. */
    public Optional<OutputGrammar.Cursor> grammarCursor() {
        return grammarCursor;
    }

    public long id() {
        return id;
    }

    public String externalId() {
        return externalId;
    }

    public SamplingParams sampling() {
        return sampling;
    }

    public long arrivalNanos() {
        return arrivalNanos;
    }

    public int promptLength() {
        return promptTokens.length;
    }

    public int numOutputTokens() {
        return numOutputTokens;
    }

    /** Prompt plus generated tokens. */
    public int numTokens() {
        return promptTokens.length + numOutputTokens;
    }

    /** Token {@code i} of prompt + output. */
    public int token(int i) {
        return i < promptTokens.length ? promptTokens[i] : outputTokens[i - promptTokens.length];
    }

    public int[] promptTokens() {
        return promptTokens.clone();
    }

    public int[] outputTokens() {
        return Arrays.copyOf(outputTokens, numOutputTokens);
    }

    /** Tokens {@code [from, to)} of prompt + output. */
    public int[] tokens(int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = token(i);
        }
        return out;
    }

    public int numComputedTokens() {
        return numComputedTokens;
    }

    /** Tokens still to feed before the next token can be sampled. */
    public int numUncomputedTokens() {
        return numTokens() - numComputedTokens;
    }

    public BlockTable blockTable() {
        return blockTable;
    }

    public RequestStatus status() {
        return status;
    }

    public boolean isFinished() {
        return status == RequestStatus.FINISHED;
    }

    public FinishReason finishReason() {
        return finishReason;
    }

    public String error() {
        return error;
    }

    public int predictedOutputLength() {
        return predictedOutputLength;
    }

    public void setPredictedOutputLength(int tokens) {
        this.predictedOutputLength = Math.max(0, tokens);
    }

    /** Predicted tokens still to generate (0 once the request outlived its prediction). */
    public int predictedRemaining() {
        return Math.max(0, predictedOutputLength - numOutputTokens);
    }

    public int preemptions() {
        return preemptions;
    }

    public long firstScheduledNanos() {
        return firstScheduledNanos;
    }

    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    public long lastTokenNanos() {
        return lastTokenNanos;
    }

    public long finishNanos() {
        return finishNanos;
    }

    // ---- transitions (called by the engine and the scheduler policies) ----

    /** WAITING/READY → RUNNING: the request is in a batch that was just launched. */
    public void markRunning(long nowNanos) {
        requireStatus(RequestStatus.WAITING, RequestStatus.READY);
        status = RequestStatus.RUNNING;
        if (firstScheduledNanos < 0) {
            firstScheduledNanos = nowNanos;
        }
    }

    /** The batch computed {@code tokens} more tokens' KV for this request. */
    public void markComputed(int tokens) {
        requireStatus(RequestStatus.RUNNING);
        if (tokens < 0 || numComputedTokens + tokens > numTokens()) {
            throw new IllegalStateException("request " + externalId + ": cannot compute " + tokens
                    + " tokens, " + numComputedTokens + " of " + numTokens() + " done");
        }
        numComputedTokens += tokens;
    }

    /** Appends a sampled token (the last stage's output for this request). */
    public void appendToken(int token, long nowNanos) {
        requireStatus(RequestStatus.RUNNING);
        if (numOutputTokens == outputTokens.length) {
            outputTokens = Arrays.copyOf(outputTokens, Math.max(1, outputTokens.length * 2));
        }
        outputTokens[numOutputTokens++] = token;
        grammarCursor.ifPresent(cursor -> cursor.accept(token));
        if (firstTokenNanos < 0) {
            firstTokenNanos = nowNanos;
        }
        lastTokenNanos = nowNanos;
    }

    /** RUNNING → READY: the batch returned and the request continues. */
    public void markReady() {
        requireStatus(RequestStatus.RUNNING);
        status = RequestStatus.READY;
    }

    /**
     * Preemption by recompute: the KV is dropped (the caller frees the blocks) and the request waits
     * to be re-prefilled with prompt + generated tokens, which it keeps.
     */
    public void markPreempted() {
        requireStatus(RequestStatus.READY, RequestStatus.WAITING);
        if (!blockTable.isEmpty()) {
            throw new IllegalStateException("request " + externalId + ": free its blocks before preempting");
        }
        status = RequestStatus.WAITING;
        numComputedTokens = 0;
        preemptions++;
    }

    public void markFinished(FinishReason reason, long nowNanos) {
        markFinished(reason, null, nowNanos);
    }

    public void markFinished(FinishReason reason, String errorMessage, long nowNanos) {
        if (status == RequestStatus.FINISHED) {
            throw new IllegalStateException("request " + externalId + " finished twice (" + finishReason + ", then " + reason + ")");
        }
        status = RequestStatus.FINISHED;
        finishReason = Objects.requireNonNull(reason);
        error = errorMessage;
        finishNanos = nowNanos;
    }

    private void requireStatus(RequestStatus allowed) {
        if (status != allowed) {
            throw wrongStatus(allowed.toString());
        }
    }

    private void requireStatus(RequestStatus allowed, RequestStatus alternative) {
        if (status != allowed && status != alternative) {
            throw wrongStatus(allowed + " or " + alternative);
        }
    }

    private IllegalStateException wrongStatus(String expected) {
        return new IllegalStateException("request " + externalId + " is " + status + ", expected " + expected);
    }

    @Override
    public String toString() {
        return "Request[" + externalId + ", " + status + ", prompt=" + promptTokens.length + ", out=" + numOutputTokens
                + ", computed=" + numComputedTokens + ", blocks=" + blockTable.size() + "]";
    }
}

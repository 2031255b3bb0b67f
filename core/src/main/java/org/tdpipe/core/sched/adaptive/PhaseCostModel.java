package org.tdpipe.core.sched.adaptive;

import org.tdpipe.core.profile.Profile;

/**
 * What phases cost, estimated from the policy's profile {@code T[n]} and the pipeline depth P;
 * every quantity the adaptive policy trades off comes from here, so it has no tuned constants.
 *
 * <p>A decode round runs P micro-batches of {@code b = ceil(B/P)} requests, each taking
 * {@code T[b]/P} per stage, so it lasts {@code T[b]} and yields B tokens. A prefill micro-batch of
 * n tokens takes {@code T[n]/P} per stage. When micro-batches of different per-stage times meet
 * at a phase boundary, the pipeline recurrence {@code finish(s, i) = max(finish(s−1, i),
 * finish(s, i−1)) + t_i} leaves each stage idle for about {@code (P−1)/2 · Δt} on entering a
 * prefill phase (later stages wait for the longer items to reach them) and {@code (P−1) · Δt} on
 * leaving it (the decode micro-batches queue behind the last prefills at every stage), with
 * {@code Δt = max(0, t_prefill − t_decode)}.
 */
public final class PhaseCostModel {
    private final Profile profile;
    private final int numStages;
    private final double minMsPerToken;

    public PhaseCostModel(Profile profile, int numStages) {
        this.profile = profile;
        this.numStages = numStages;
        double best = Double.MAX_VALUE;
        for (int n = 1; n <= profile.maxTokens(); n++) {
            best = Math.min(best, profile.forwardMs(n) / n);
        }
        this.minMsPerToken = best;
    }

    /** Per-stage time of a micro-batch of {@code tokens} tokens. */
    public double stageMs(int tokens) {
        return profile.forwardMs(tokens) / numStages;
    }

    /** Per-stage decode batch for B requests in flight. */
    public int perStageBatch(double inFlight) {
        return (int) Math.ceil(inFlight / numStages);
    }

    /** Duration of one decode round with B requests in flight. */
    public double roundMs(double inFlight) {
        return profile.forwardMs(Math.max(1, perStageBatch(inFlight)));
    }

    /** Decode tokens per ms with B requests in flight. */
    public double decodeRate(double inFlight) {
        return inFlight <= 0 ? 0 : inFlight / roundMs(inFlight);
    }

    /** Idle time (ms, per stage) a prefill phase of {@code chunk}-token micro-batches costs at its two boundaries. */
    public double switchBubbleMs(int chunk, int perStageDecode) {
        double mismatch = Math.max(0, stageMs(chunk) - stageMs(Math.max(1, perStageDecode)));
        return 1.5 * (numStages - 1) * mismatch;
    }

    /** Time (ms, per stage) prefilling {@code tokens} in {@code chunk}-token micro-batches costs above the best per-token rate. */
    public double prefillExcessMs(double tokens, int chunk) {
        return tokens * (profile.forwardMs(chunk) / chunk - minMsPerToken) / numStages;
    }

    /** Per-phase overhead of prefilling {@code tokens} in {@code chunk}-token micro-batches. */
    public double phaseOverheadMs(double tokens, int chunk, int perStageDecode) {
        return switchBubbleMs(chunk, perStageDecode) + prefillExcessMs(tokens, chunk);
    }

    /**
     * The micro-batch size that makes a prefill phase of {@code tokens} tokens cheapest: large
     * enough to run near the profile's best per-token rate, small enough that its per-stage time
     * stays close to the decode micro-batches' at the phase boundaries.
     */
    public int bestChunk(double tokens, int perStageDecode) {
        int limit = (int) Math.max(1, Math.min(profile.maxTokens(), Math.ceil(tokens)));
        int best = limit;
        double bestCost = Double.MAX_VALUE;
        for (int n = 1; n <= limit; n++) {
            double cost = phaseOverheadMs(tokens, n, perStageDecode);
            if (cost < bestCost) {
                bestCost = cost;
                best = n;
            }
        }
        return best;
    }
}

package org.tdpipe.core.sched.adaptive;

/**
 * The adaptive decode → prefill decision: a one-round lookahead on the long-run cost of
 * refilling the pipeline with k waiting requests.
 *
 * <p>Each refill cycle pays a fixed overhead — the phase boundaries' idle time and the prefill
 * micro-batches' distance from the best per-token rate ({@link PhaseCostModel#phaseOverheadMs}) —
 * spread over the cycle's length {@code τ = k / μ}, the time until another k requests finish
 * (μ = expected finishes per ms). Between refills decode runs short of the B + k requests it
 * could hold, k/2 on average, which costs the fraction {@code 1 − rate(B + k/2) / rate(B + k)} of
 * its throughput. Refilling with few requests pays the overhead too often; waiting for many
 * lets decode starve. The rule compares the loss rate of refilling now with k requests against
 * refilling one round later with the k' that will be admissible then, and switches when waiting
 * does not help — so a prefill phase happens only when it is long enough to pay for itself.
 */
public final class SwitchLookahead {
    /** The evaluated quantities, for tests and traces. */
    public record Decision(boolean switchToPrefill, double admissible, double admissibleNextRound,
            double lossNow, double lossNextRound) {
    }

    private final PhaseCostModel cost;

    public SwitchLookahead(PhaseCostModel cost) {
        this.cost = cost;
    }

    /**
     * @param inFlight B, requests decoding (in flight or ready)
     * @param admissible k, waiting requests the memory plan admits now
     * @param waiting all waiting requests (k can grow to this at most)
     * @param meanPromptTokens mean prefill length of the admissible requests
     * @param finishesPerRound expected requests finishing in the next decode round
     */
    public Decision evaluate(int inFlight, int admissible, int waiting, double meanPromptTokens, double finishesPerRound) {
        if (admissible <= 0) {
            return new Decision(false, 0, 0, Double.NaN, Double.NaN);
        }
        if (inFlight == 0) {
            return new Decision(true, admissible, admissible, 0, 0);
        }
        double next = Math.min(waiting, admissible + finishesPerRound);
        double now = lossRate(inFlight, admissible, meanPromptTokens, finishesPerRound);
        double later = lossRate(inFlight, next, meanPromptTokens, finishesPerRound);
        return new Decision(now <= later, admissible, next, now, later);
    }

    /** Fraction of throughput lost per unit time when refilling with k requests every cycle. */
    double lossRate(int inFlight, double k, double meanPromptTokens, double finishesPerRound) {
        double full = inFlight + k;
        double perMs = finishesPerRound / cost.roundMs(full);
        double cycleMs = perMs > 0 ? k / perMs : Double.POSITIVE_INFINITY;
        double tokens = k * meanPromptTokens;
        int perStage = cost.perStageBatch(full);
        double overheadMs = cost.phaseOverheadMs(tokens, cost.bestChunk(tokens, perStage), perStage);
        double starvation = 1 - cost.decodeRate(full - k / 2) / cost.decodeRate(full);
        return overheadMs / cycleMs + starvation;
    }
}

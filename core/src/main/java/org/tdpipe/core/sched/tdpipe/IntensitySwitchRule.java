package org.tdpipe.core.sched.tdpipe;

import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;

/**
 * TD-Pipe's decode → prefill decision (DESIGN §2.5), the spatial–temporal intensity comparison.
 * Decode's spatial intensity {@code I(b) = (b/T[b]) / (R/T[R])} (R = 256) is the fraction of peak
 * throughput a per-stage decode batch b reaches. Prefill's temporal intensity is the useful
 * fraction of the prefill window that admitting the waiting requests would open, after the bubble
 * the switch back to decode costs. Decode yields when its intensity is the lower.
 *
 * <p>Crashes of the original fixed, behaviour kept: {@code I(0)} (fewer requests than stages) is 0
 * rather than undefined, and nothing admissible means "stay in decode" instead of a division by
 * zero.
 */
public final class IntensitySwitchRule {
    /** The evaluated quantities, for tests and traces. */
    public record Decision(boolean switchToPrefill, int admissible, double decodeIntensity, double prefillIntensity) {
        static Decision stay(int admissible, double decodeIntensity) {
            return new Decision(false, admissible, decodeIntensity, Double.NaN);
        }
    }

    private final Profile profile;
    private final int numStages;
    private final TdPipeOptions options;

    public IntensitySwitchRule(Profile profile, int numStages, TdPipeOptions options) {
        this.profile = profile;
        this.numStages = numStages;
        this.options = options;
    }

    /** {@code I(b)}: 1 at or above the peak batch, 0 for an empty batch. */
    public double decodeIntensity(int perStageBatch) {
        if (perStageBatch <= 0) {
            return 0;
        }
        if (perStageBatch >= options.peakBatch()) {
            return 1;
        }
        int ref = options.intensityReferenceBatch();
        return (perStageBatch / profile.forwardMs(perStageBatch)) / (ref / profile.forwardMs(ref));
    }

    /**
     * Decides with {@code usage} already rebuilt from the {@code inFlight} requests; adds the
     * admissible waiting requests to it as a side effect (the caller rebuilds it afterwards).
     */
    public Decision evaluate(int inFlight, Iterable<Request> waiting, KvUsageForecast usage, long capacityBlocks) {
        int perStage = inFlight / numStages;
        double decodeIntensity = decodeIntensity(perStage);
        if (perStage > options.peakBatch()) {
            return Decision.stay(0, decodeIntensity);
        }
        double limit = options.admitFraction() * capacityBlocks;
        double prefillMs = 0;
        double maxPrefillMs = 0;
        int admitted = 0;
        for (Request r : waiting) {
            if (usage.predictedPeak() >= limit) {
                break;
            }
            usage.addNew(r);
            double t = prefillMs(r.numTokens());
            prefillMs += t / numStages;
            maxPrefillMs = Math.max(maxPrefillMs, t);
            admitted++;
        }
        if (admitted == 0) {
            return Decision.stay(0, decodeIntensity);
        }
        if (options.switchRule() == TdPipeOptions.SwitchRule.MEMORY_ONLY) {
            return new Decision(true, admitted, decodeIntensity, Double.NaN);
        }
        prefillMs += (maxPrefillMs / numStages) * (numStages - 1);
        double decodeMs = prefillMs((inFlight + admitted) / numStages);
        double bubbleMs = (maxPrefillMs / numStages - decodeMs) * (numStages - 1);
        double prefillIntensity = (prefillMs - bubbleMs) / prefillMs;
        return new Decision(decodeIntensity < prefillIntensity, admitted, decodeIntensity, prefillIntensity);
    }

    /** The authors' {@code Tp(n) = int(T[n])}: whole milliseconds (decode reuses it with n = batch). */
    private double prefillMs(int tokens) {
        return Math.floor(profile.forwardMs(tokens));
    }
}

package org.tdpipe.sim.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.profile.HandoffTiming;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.profile.StageTiming;

/**
 * Stage times of a real pipeline fitted on its {@link StageProfile}: for each stage, the measured
 * prefill curve gives the time of n tokens (linear between measured sizes, proportional to n past the
 * largest), and two per-stage coefficients fitted by least squares on the measured decode batches
 * correct it for what a batch does beyond that prefill: each extra sampled row (LM head and
 * sampling, on the last stage) and each extra attention (query, key) pair (decode reads the KV of
 * its whole context).
 *
 * <p>{@code t_s(batch) = prefill_s(n) + rowMs_s·(sampled − sampled_ref(n)) + pairMs_s·max(0, pairs − pairs_ref(n))},
 * where the references are those of the measured prefill batches. Only attention beyond the
 * reference is priced, at the decode rate: a decode token streams the K and V of its whole context
 * from memory, while a prompt's queries share their sequence's keys in cache, so a pair costs far
 * less in prefill — a batch of prompts shorter than the reference's is not credited at the decode
 * rate (the validation found that crediting it made large prefill batches 3× too cheap). Like every
 * {@link StageCostModel} it is the simulator's ground truth; policies still plan with their own
 * {@code T[n]} table.
 *
 * <p>Two such fits per stage, one on the times measured with every stage busy and one on those
 * measured alone, price a batch under contention ({@link ContendedStageCost}: linear between the
 * two measured ends, as the profile measures nothing between them).
 */
public final class StageProfileCost implements StageCostModel, ContendedStageCost {
    /** A corrected time never drops below this share of the prefill curve's time for the same tokens. */
    private static final double FLOOR_SHARE = 0.1;

    private final List<StageFit> busy;
    private final List<StageFit> alone;
    private final long launchNanos;
    private final HandoffCurve handoff;
    private final long returnNanos;

    public StageProfileCost(StageProfile profile) {
        List<StageFit> busyFits = new ArrayList<>();
        List<StageFit> aloneFits = new ArrayList<>();
        for (int s = 0; s < profile.numStages(); s++) {
            List<StageTiming> prefill = profile.timings(s, Phase.PREFILL);
            List<StageTiming> decode = profile.timings(s, Phase.DECODE);
            busyFits.add(StageFit.of(prefill, decode, StageTiming::ms));
            aloneFits.add(StageFit.of(prefill, decode, StageTiming::aloneMs));
        }
        this.busy = List.copyOf(busyFits);
        this.alone = List.copyOf(aloneFits);
        int p = profile.numStages();
        this.launchNanos = medianNanos(profile.handoffs(), 0);
        this.handoff = new HandoffCurve(profile.handoffs().stream().filter(h -> h.toStage() > 0 && h.toStage() < p).toList());
        this.returnNanos = medianNanos(profile.handoffs(), p);
    }

    /** The median of the measured hand-offs to {@code toStage}, 0 when none was measured. */
    private static long medianNanos(List<HandoffTiming> handoffs, int toStage) {
        double[] ms = handoffs.stream().filter(h -> h.toStage() == toStage).mapToDouble(HandoffTiming::ms).sorted().toArray();
        return ms.length == 0 ? 0 : Math.round(ms[ms.length / 2] * 1e6);
    }

    /** The measured median time from the controller launching a batch to the first stage starting it. */
    public long launchNanos() {
        return launchNanos;
    }

    /** The measured hand-off between consecutive stages (nothing when the profile measured none). */
    public StageHop handoff() {
        return handoff;
    }

    /** The measured median time from the end of the last stage to the result at the controller. */
    public long returnNanos() {
        return returnNanos;
    }

    @Override
    public int numStages() {
        return busy.size();
    }

    /** The time with every stage busy, as in a full pipeline. */
    @Override
    public long stageNanos(BatchLoad load, int stage, int numStages) {
        StageCostModel.checkStage(stage, numStages);
        if (numStages != busy.size()) {
            throw new IllegalArgumentException("the stage profile describes " + busy.size() + " stages, not " + numStages);
        }
        return busyNanos(load, stage);
    }

    @Override
    public long aloneNanos(BatchLoad load, int stage) {
        StageCostModel.checkStage(stage, alone.size());
        return Math.round(alone.get(stage).ms(load) * 1e6);
    }

    @Override
    public long busyNanos(BatchLoad load, int stage) {
        StageCostModel.checkStage(stage, busy.size());
        return Math.round(busy.get(stage).ms(load) * 1e6);
    }

    /** The fitted model of one stage with every stage busy, for reports. */
    public StageFit stage(int stage) {
        return busy.get(stage);
    }

    /** The fitted model of one stage running alone, for reports. */
    public StageFit alone(int stage) {
        return alone.get(stage);
    }

    /** One stage's fitted model: the measured prefill curve and the two fitted corrections. */
    public static final class StageFit {
        private final int[] tokens;
        private final double[] ms;
        private final double[] sampled;
        private final double[] pairs;
        private final double rowMs;
        private final double pairMs;
        private final double decodeRmsError;

        private StageFit(int[] tokens, double[] ms, double[] sampled, double[] pairs, double rowMs, double pairMs,
                double decodeRmsError) {
            this.tokens = tokens;
            this.ms = ms;
            this.sampled = sampled;
            this.pairs = pairs;
            this.rowMs = rowMs;
            this.pairMs = pairMs;
            this.decodeRmsError = decodeRmsError;
        }

        /** Time of one extra sampled row, ms. */
        public double rowMs() {
            return rowMs;
        }

        /** Time of one extra attention pair, ms. */
        public double pairMs() {
            return pairMs;
        }

        /** Root-mean-square relative error of the model on the measured decode batches. */
        public double decodeRmsError() {
            return decodeRmsError;
        }

        /** The fit of the times {@code time} picks from each timing (busy or alone). */
        static StageFit of(List<StageTiming> prefill, List<StageTiming> decode, ToDoubleFunction<StageTiming> time) {
            List<StageTiming> sorted = new ArrayList<>(prefill);
            sorted.sort(Comparator.comparingInt(StageTiming::tokens));
            int n = sorted.size();
            int[] tokens = new int[n];
            double[] ms = new double[n];
            double[] sampled = new double[n];
            double[] pairs = new double[n];
            for (int i = 0; i < n; i++) {
                StageTiming t = sorted.get(i);
                if (i > 0 && t.tokens() == tokens[i - 1]) {
                    throw new IllegalArgumentException("stage " + t.stage() + " has two prefill timings of " + t.tokens() + " tokens");
                }
                tokens[i] = t.tokens();
                ms[i] = time.applyAsDouble(t);
                sampled[i] = t.sampled();
                pairs[i] = t.attentionPairs();
            }
            StageFit curve = new StageFit(tokens, ms, sampled, pairs, 0, 0, 0);
            double[] coefficients = curve.fitCorrections(decode, time);
            StageFit fitted = new StageFit(tokens, ms, sampled, pairs, coefficients[0], coefficients[1], 0);
            return new StageFit(tokens, ms, sampled, pairs, coefficients[0], coefficients[1], fitted.rmsError(decode, time));
        }

        /** Least squares of {@code measured − prefill(n)} on (extra rows, extra pairs), without intercept. */
        private double[] fitCorrections(List<StageTiming> decode, ToDoubleFunction<StageTiming> time) {
            double sxx = 0, sxy = 0, syy = 0, sxr = 0, syr = 0;
            for (StageTiming t : decode) {
                double x = t.sampled() - interpolate(sampled, t.tokens());
                double y = extraPairs(t.tokens(), t.attentionPairs());
                double r = time.applyAsDouble(t) - interpolate(ms, t.tokens());
                sxx += x * x;
                sxy += x * y;
                syy += y * y;
                sxr += x * r;
                syr += y * r;
            }
            double det = sxx * syy - sxy * sxy;
            if (Math.abs(det) > 1e-9 * Math.max(1, sxx * syy)) {
                double row = (sxr * syy - syr * sxy) / det;
                double pair = (syr * sxx - sxr * sxy) / det;
                if (row >= 0 && pair >= 0) {
                    return new double[] {row, pair};
                }
            }
            // a negative cost is noise (or rows and pairs cannot be told apart): the better single non-negative term
            double row = sxx > 0 ? Math.max(0, sxr / sxx) : 0;
            double pair = syy > 0 ? Math.max(0, syr / syy) : 0;
            double rowResidualDrop = row * sxr;
            double pairResidualDrop = pair * syr;
            return rowResidualDrop >= pairResidualDrop ? new double[] {row, 0} : new double[] {0, pair};
        }

        private double rmsError(List<StageTiming> decode, ToDoubleFunction<StageTiming> time) {
            double sum = 0;
            for (StageTiming t : decode) {
                double measured = time.applyAsDouble(t);
                double e = (ms(t.tokens(), t.sampled(), t.attentionPairs()) - measured) / measured;
                sum += e * e;
            }
            return decode.isEmpty() ? 0 : Math.sqrt(sum / decode.size());
        }

        double ms(BatchLoad load) {
            return ms(load.numTokens(), load.numSampled(), load.attentionPairs());
        }

        /** Predicted time of a batch of {@code numTokens} tokens with its sampled rows and attention pairs. */
        public double ms(int numTokens, int numSampled, long attentionPairs) {
            double base = interpolate(ms, numTokens);
            double corrected = base + rowMs * (numSampled - interpolate(sampled, numTokens))
                    + pairMs * extraPairs(numTokens, attentionPairs);
            return Math.max(FLOOR_SHARE * base, corrected);
        }

        /** Attention pairs beyond those of the measured prefill batch of the same size (0 when fewer). */
        private double extraPairs(int numTokens, long attentionPairs) {
            return Math.max(0, attentionPairs - interpolate(pairs, numTokens));
        }

        /** {@code values} at {@code n} tokens: linear between measured sizes, flat below, proportional past the largest. */
        private double interpolate(double[] values, int n) {
            int last = tokens.length - 1;
            if (n >= tokens[last]) {
                return values[last] * n / tokens[last];
            }
            if (n <= tokens[0]) {
                return values[0];
            }
            int i = 1;
            while (tokens[i] < n) {
                i++;
            }
            double f = (double) (n - tokens[i - 1]) / (tokens[i] - tokens[i - 1]);
            return values[i - 1] + f * (values[i] - values[i - 1]);
        }
    }
}

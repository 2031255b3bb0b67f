package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.sim.cost.BatchLoad;
import org.tdpipe.sim.cost.StageProfileCost;
import org.tdpipe.sim.workload.WorkloadItem;

/**
 * Sets measured runs against the simulator's prediction for the same inputs: each policy is
 * simulated on the {@link ProfiledPipeline} of the machine with the workload, KV cache, block size
 * and {@code T[n]} of the real runs, and its predicted throughput and bubble compared with the
 * measured median. To tell a wrong cost model from everything else (controller, scheduling
 * overheads, noise), the cost model also prices every batch the real run launched, stage by stage,
 * under the contention that batch met in the real run (the share of the other stages working
 * during its span), and the ratio measured / predicted of their summed stage times is reported per
 * stage and phase.
 */
final class SimulatorValidation {
    /** One policy's comparison. */
    record Row(String policy, double measuredTokensPerSecond, double predictedTokensPerSecond, double measuredBubble,
            double predictedBubble, List<Map<Phase, Double>> stageTimeRatios, Replay replay) {
        double error() {
            return predictedTokensPerSecond / measuredTokensPerSecond - 1;
        }
    }

    /**
     * The measured median run replayed in the simulator with its own stage times ({@link ReplayExecutor}).
     *
     * @param measuredTokensPerSecond the throughput of that run (not the median over runs)
     * @param replayedBatches batches that took their measured twin's times
     * @param pricedBatches batches the real run did not launch, priced by the stage profile
     */
    record Replay(double measuredTokensPerSecond, double tokensPerSecond, double bubble, int replayedBatches, int pricedBatches) {
        double error() {
            return tokensPerSecond / measuredTokensPerSecond - 1;
        }
    }

    private final List<Row> rows;
    /** The cost models the policies were simulated on, by what they were profiled on. */
    private final Map<String, StageProfileCost> models;

    private SimulatorValidation(List<Row> rows, Map<String, StageProfileCost> models) {
        this.rows = List.copyOf(rows);
        this.models = models;
    }

    /** Each policy simulated on {@code pipelineOf} it (the pipeline's profile, or the tensor-parallel group's for tp). */
    static SimulatorValidation of(RepeatedRuns measured, Function<String, ProfiledPipeline> pipelineOf, List<WorkloadItem> items) {
        List<Row> rows = new ArrayList<>();
        Map<String, StageProfileCost> models = new LinkedHashMap<>();
        for (String policy : measured.policies()) {
            ProfiledPipeline pipeline = pipelineOf.apply(policy);
            StageProfileCost cost = pipeline.cost();
            models.putIfAbsent(pipeline.stages().setup().getOrDefault("pipeline", pipeline.stages().numStages() + " stage(s)"), cost);
            RunResult predicted = pipeline.simulate(policy, items);
            MeasuredRun median = measured.representative(policy);
            ReplayExecutor replayExecutor = new ReplayExecutor(median, cost);
            RunResult replayed = pipeline.runner().run(replayExecutor, policy, items);
            Replay replay = new Replay(median.result().totalTokensPerSecond(), replayed.totalTokensPerSecond(),
                    replayed.timelineStats().bubbleRatio(), replayExecutor.replayed(), replayExecutor.priced());
            rows.add(new Row(policy, measured.medianTokensPerSecond(policy), predicted.totalTokensPerSecond(),
                    median.result().timelineStats().bubbleRatio(), predicted.timelineStats().bubbleRatio(),
                    stageTimeRatios(median, cost), replay));
        }
        return new SimulatorValidation(rows, models);
    }

    List<Row> rows() {
        return rows;
    }

    /** Per stage and phase: Σ measured span time / Σ the cost model's time for the same batches under the same contention. */
    static List<Map<Phase, Double>> stageTimeRatios(MeasuredRun run, StageProfileCost cost) {
        int p = cost.numStages();
        List<Map<Phase, double[]>> sums = new ArrayList<>();
        List<List<Span>> byStage = new ArrayList<>();
        for (int s = 0; s < p; s++) {
            sums.add(new EnumMap<>(Phase.class));
            byStage.add(new ArrayList<>());
        }
        List<Span> spans = run.result().timeline().spans();
        for (Span span : spans) {
            byStage.get(span.stage()).add(span);
        }
        for (List<Span> stage : byStage) {
            stage.sort(Comparator.comparingLong(Span::startNanos));
        }
        for (Span span : spans) {
            BatchLoad load = run.loads().get(span.batchId());
            if (load == null) {
                throw new IllegalStateException("span of batch " + span.batchId() + " that was never submitted");
            }
            double[] sum = sums.get(span.stage()).computeIfAbsent(span.phase(), ph -> new double[2]);
            sum[0] += span.durationNanos();
            sum[1] += cost.stageNanos(load, span.stage(), othersWorking(span, byStage));
        }
        List<Map<Phase, Double>> ratios = new ArrayList<>();
        for (Map<Phase, double[]> stage : sums) {
            Map<Phase, Double> r = new EnumMap<>(Phase.class);
            stage.forEach((phase, sum) -> r.put(phase, sum[0] / sum[1]));
            ratios.add(r);
        }
        return ratios;
    }

    /** The share of the other stages working during {@code span}: their busy time within it over (P − 1) × its length. */
    static double othersWorking(Span span, List<List<Span>> byStage) {
        int p = byStage.size();
        if (p == 1 || span.durationNanos() == 0) {
            return 1.0;
        }
        long covered = 0;
        for (int s = 0; s < p; s++) {
            if (s == span.stage()) {
                continue;
            }
            List<Span> stage = byStage.get(s);
            for (int i = firstEndingAfter(stage, span.startNanos()); i < stage.size() && stage.get(i).startNanos() < span.endNanos(); i++) {
                Span other = stage.get(i);
                covered += Math.min(other.endNanos(), span.endNanos()) - Math.max(other.startNanos(), span.startNanos());
            }
        }
        return Math.min(1.0, (double) covered / ((p - 1) * span.durationNanos()));
    }

    /** Index of the first of a stage's spans (sorted, one at a time) that ends after {@code nanos}. */
    private static int firstEndingAfter(List<Span> stage, long nanos) {
        int lo = 0;
        int hi = stage.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stage.get(mid).endNanos() <= nanos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    void print(PrintStream out) {
        out.println();
        out.println("Simulator validation: the same workload, KV cache and T[n] simulated with the stage profile");
        models.forEach((pipeline, cost) -> {
            out.printf(Locale.ROOT, "  %s: launch %.3f ms, hand-off %.3f ms (1 token) .. %.3f ms (256 tokens), result to the controller %.3f ms%n",
                    pipeline, cost.launchNanos() / 1e6, cost.handoff().nanos(1) / 1e6, cost.handoff().nanos(256) / 1e6, cost.returnNanos() / 1e6);
            for (int s = 0; s < cost.numStages(); s++) {
                StageProfileCost.StageFit f = cost.stage(s);
                StageProfileCost.StageFit a = cost.alone(s);
                out.printf(Locale.ROOT, "  stage %d model: +%.3f ms per sampled row, +%.5f ms per attention pair; decode fit rms error %.1f%%"
                        + " (alone: +%.3f, +%.5f, %.1f%%; a 1-token batch %.2fx as long alone as busy)%n",
                        s, f.rowMs(), f.pairMs(), 100 * f.decodeRmsError(), a.rowMs(), a.pairMs(), 100 * a.decodeRmsError(),
                        a.ms(1, 1, 1) / f.ms(1, 1, 1));
            }
        });
        out.printf(Locale.ROOT, "%-22s %14s %15s %8s %15s %16s %12s %8s  %s%n", "policy", "measured tok/s", "predicted tok/s", "error",
                "measured bubble", "predicted bubble", "replay tok/s", "replay", "stage time measured/predicted (real batches)");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-22s %14.1f %15.1f %+7.1f%% %14.1f%% %15.1f%% %12.1f %+7.1f%%  %s%n", r.policy(),
                    r.measuredTokensPerSecond(), r.predictedTokensPerSecond(), 100 * r.error(), 100 * r.measuredBubble(),
                    100 * r.predictedBubble(), r.replay().tokensPerSecond(), 100 * r.replay().error(), describe(r.stageTimeRatios()));
        }
        out.println("(measured: median over runs; bubble and replay: the median run; replay: that run's own stage times in the simulator,"
                + " error against that run)");
        for (Row r : rows) {
            if (r.replay().pricedBatches() > 0) {
                out.printf(Locale.ROOT, "  %s: the replay diverged, %d of %d batches priced by the stage profile%n", r.policy(),
                        r.replay().pricedBatches(), r.replay().pricedBatches() + r.replay().replayedBatches());
            }
        }
    }

    private static String describe(List<Map<Phase, Double>> ratios) {
        List<String> parts = new ArrayList<>();
        for (int s = 0; s < ratios.size(); s++) {
            StringBuilder sb = new StringBuilder("s" + s);
            ratios.get(s).forEach((phase, ratio) -> sb.append(String.format(Locale.ROOT, " %s %.2f",
                    phase.name().toLowerCase(Locale.ROOT), ratio)));
            parts.add(sb.toString());
        }
        return String.join(" | ", parts);
    }

    List<Map<String, Object>> json() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", r.policy());
            m.put("measured_total_tokens_per_s", r.measuredTokensPerSecond());
            m.put("predicted_total_tokens_per_s", r.predictedTokensPerSecond());
            m.put("error", r.error());
            m.put("measured_bubble_ratio", r.measuredBubble());
            m.put("predicted_bubble_ratio", r.predictedBubble());
            List<Map<String, Double>> stages = new ArrayList<>();
            for (Map<Phase, Double> stage : r.stageTimeRatios()) {
                Map<String, Double> s = new LinkedHashMap<>();
                stage.forEach((phase, ratio) -> s.put(phase.name().toLowerCase(Locale.ROOT), ratio));
                stages.add(s);
            }
            m.put("stage_time_measured_over_predicted", stages);
            m.put("replay_total_tokens_per_s", r.replay().tokensPerSecond());
            m.put("replay_error", r.replay().error());
            m.put("replay_bubble_ratio", r.replay().bubble());
            m.put("replay_measured_total_tokens_per_s", r.replay().measuredTokensPerSecond());
            m.put("replay_batches_replayed", r.replay().replayedBatches());
            m.put("replay_batches_priced", r.replay().pricedBatches());
            list.add(m);
        }
        return list;
    }
}

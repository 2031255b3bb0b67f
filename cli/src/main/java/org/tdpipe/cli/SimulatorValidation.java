package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * and the ratio measured / predicted of their summed stage times is reported per stage and phase.
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
    private final StageProfileCost cost;

    private SimulatorValidation(List<Row> rows, StageProfileCost cost) {
        this.rows = List.copyOf(rows);
        this.cost = cost;
    }

    static SimulatorValidation of(RepeatedRuns measured, ProfiledPipeline pipeline, List<WorkloadItem> items) {
        StageProfileCost cost = pipeline.cost();
        List<Row> rows = new ArrayList<>();
        for (String policy : measured.policies()) {
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
        return new SimulatorValidation(rows, cost);
    }

    List<Row> rows() {
        return rows;
    }

    /** Per stage and phase: Σ measured span time / Σ the cost model's time for the same batches. */
    static List<Map<Phase, Double>> stageTimeRatios(MeasuredRun run, StageProfileCost cost) {
        int p = cost.numStages();
        List<Map<Phase, double[]>> sums = new ArrayList<>();
        for (int s = 0; s < p; s++) {
            sums.add(new EnumMap<>(Phase.class));
        }
        for (Span span : run.result().timeline().spans()) {
            BatchLoad load = run.loads().get(span.batchId());
            if (load == null) {
                throw new IllegalStateException("span of batch " + span.batchId() + " that was never submitted");
            }
            double[] sum = sums.get(span.stage()).computeIfAbsent(span.phase(), ph -> new double[2]);
            sum[0] += span.durationNanos();
            sum[1] += cost.stageNanos(load, span.stage(), p);
        }
        List<Map<Phase, Double>> ratios = new ArrayList<>();
        for (Map<Phase, double[]> stage : sums) {
            Map<Phase, Double> r = new EnumMap<>(Phase.class);
            stage.forEach((phase, sum) -> r.put(phase, sum[0] / sum[1]));
            ratios.add(r);
        }
        return ratios;
    }

    void print(PrintStream out) {
        out.println();
        out.println("Simulator validation: the same workload, KV cache and T[n] simulated with the stage profile");
        for (int s = 0; s < cost.numStages(); s++) {
            StageProfileCost.StageFit f = cost.stage(s);
            out.printf(Locale.ROOT, "  stage %d model: +%.3f ms per sampled row, +%.5f ms per attention pair; decode fit rms error %.1f%%%n",
                    s, f.rowMs(), f.pairMs(), 100 * f.decodeRmsError());
        }
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

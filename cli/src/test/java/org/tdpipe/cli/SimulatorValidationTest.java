package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.predict.LengthScale;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.profile.StageTiming;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.sim.SimulatedExecutor;
import org.tdpipe.sim.cost.StageHop;
import org.tdpipe.sim.workload.WorkloadItem;

class SimulatorValidationTest {
    @TempDir
    Path dir;

    /** A two-stage pipeline: 2 ms + 0.1 ms per token per stage, 0.05 ms per sampled row on the last stage. */
    static StageProfile stageProfile() {
        List<StageTiming> timings = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            for (int n : new int[] {1, 8, 64, 256}) {
                timings.add(new StageTiming(s, Phase.PREFILL, n, 1, (long) n * (n + 1) / 2, 2 + 0.1 * n + (s == 1 ? 0.05 : 0)));
            }
            for (int b : new int[] {1, 8, 32}) {
                timings.add(new StageTiming(s, Phase.DECODE, b, b, 16L * b, 2 + 0.1 * b + (s == 1 ? 0.05 * b : 0)));
            }
        }
        return new StageProfile(Map.of("model", "synthetic", StageProfile.MAX_MODEL_LEN, "512"), 2, timings);
    }

    static Path write(StageProfile p, Path file) throws IOException {
        p.write(file);
        return file;
    }

    static Path writeProfile(Path file) throws IOException {
        double[] ms = new double[256];
        for (int n = 1; n <= ms.length; n++) {
            ms[n - 1] = 4 + 0.2 * n;
        }
        new Profile("synthetic", ms).write(file);
        return file;
    }

    @Test
    void aReplayOfARunWithItsOwnStageTimesReproducesIt() {
        StageProfile stages = stageProfile();
        PolicyRunner runner = new PolicyRunner(24, 16, 512, new Profile("synthetic", new double[] {4, 5, 6}), "oracle", 0, LengthScale.IDENTITY);
        ProfiledPipeline pipeline = new ProfiledPipeline(stages, runner);
        List<WorkloadItem> items = List.of(new WorkloadItem(40, 30, 0), new WorkloadItem(12, 50, 0), new WorkloadItem(60, 8, 0),
                new WorkloadItem(33, 33, 0), new WorkloadItem(7, 64, 0));
        for (String policy : List.of("td-pipe", "td-pipe-adaptive", "pp-vllm", "pp-chunked")) {
            LoadRecordingExecutor recorded = new LoadRecordingExecutor(new SimulatedExecutor(2, 2, pipeline.cost(), StageHop.NONE, 0));
            RunResult original = runner.run(recorded, policy, items);
            ReplayExecutor replay = new ReplayExecutor(new MeasuredRun(original, recorded.loads()), pipeline.cost());
            RunResult replayed = runner.run(replay, policy, items);
            assertEquals(original.elapsedNanos(), replayed.elapsedNanos(), policy);
            assertEquals(0, replay.priced(), policy);
            assertEquals(original.timeline().spans().size() / 2, replay.replayed(), policy);
        }
    }

    @Test
    void aRealSpanIsPricedAtTheShareOfTheOtherStagesWorkingDuringIt() {
        Span first = new Span(0, 1, Phase.DECODE, 1, 1, 0, 10);
        Span second = new Span(0, 2, Phase.DECODE, 1, 1, 20, 30);
        Span between = new Span(1, 1, Phase.DECODE, 1, 1, 5, 25);
        List<List<Span>> byStage = List.of(List.of(first, second), List.of(between));
        assertEquals(0.5, SimulatorValidation.othersWorking(between, byStage));
        assertEquals(0.5, SimulatorValidation.othersWorking(first, byStage));
        assertEquals(0.0, SimulatorValidation.othersWorking(new Span(1, 3, Phase.DECODE, 1, 1, 40, 50), byStage));
        assertEquals(1.0, SimulatorValidation.othersWorking(first, List.of(List.of(first, second))), "one stage: nothing to share with");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, RepeatedRuns.median(new double[] {4, 1, 3, 2}));
        assertEquals(3.0, RepeatedRuns.median(new double[] {5, 3, 1}));
    }

    @Test
    void simulateRunsTheProfiledPipelineOnTheWorkloadBenchRuns() throws IOException {
        Path stages = write(stageProfile(), dir.resolve("stages.csv"));
        Path profile = writeProfile(dir.resolve("profile.csv"));
        Path json = dir.resolve("sim.json");
        SimulateCommandTest.Run r = SimulateCommandTest.run("simulate", "--stage-profile", stages.toString(), "--profile",
                profile.toString(), "--kv-blocks", "20", "--num-requests", "12", "--scale-input", "32", "--scale-output", "16",
                "--policies", "td-pipe,pp-vllm", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("stage-profile", doc.get("setup").get("cost_mode").asText());
        assertEquals(2, doc.get("setup").get("stages").asInt());
        assertEquals(512, doc.get("setup").get("max_model_len").asInt());
        assertEquals(32, doc.get("setup").get("scale_input").asInt());
        assertEquals(2, doc.get("runs").get(0).get("stage_utilization").size());

        Path benchJson = dir.resolve("bench.json");
        SimulateCommandTest.Run bench = SimulateCommandTest.run("bench", "--model", "dummy:llama-260k", "--stages", "2",
                "--threads-per-stage", "1", "--num-requests", "12", "--scale-input", "32", "--scale-output", "16", "--kv-blocks", "20",
                "--policies", "td-pipe,pp-vllm", "--profile", profile.toString(), "--repeat", "2", "--validate", "--stage-profile",
                stages.toString(), "--json", benchJson.toString());
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("Simulator validation"), bench.out());
        JsonNode measured = new ObjectMapper().readTree(benchJson.toFile());
        for (int i = 0; i < 2; i++) {
            JsonNode sim = doc.get("runs").get(i);
            JsonNode real = measured.get("runs").get(i);
            assertEquals(sim.get("prompt_tokens").asLong(), real.get("prompt_tokens").asLong(), "same prompts");
            assertEquals(sim.get("output_tokens").asLong(), real.get("output_tokens").asLong(), "same outputs");
        }
        assertEquals(2, measured.get("repeats").get("td-pipe").get("total_tokens_per_s").size());
        JsonNode validation = measured.get("validation");
        assertEquals(2, validation.size());
        for (JsonNode v : validation) {
            // bench simulates exactly what simulate does for the same inputs
            String policy = v.get("policy").asText();
            double simulated = policy.equals("td-pipe") ? doc.get("runs").get(0).get("total_tokens_per_s").asDouble()
                    : doc.get("runs").get(1).get("total_tokens_per_s").asDouble();
            assertEquals(simulated, v.get("predicted_total_tokens_per_s").asDouble(), 1e-9, policy);
            assertTrue(v.get("replay_batches_replayed").asInt() > 0, policy);
            assertEquals(2, v.get("stage_time_measured_over_predicted").size());
        }
    }

    @Test
    void thePolicyTpRunsOnTheOneStageProfileOfATensorParallelGroup() throws IOException {
        StageProfile two = stageProfile();
        StageProfile group = new StageProfile(Map.of("pipeline", "one tensor-parallel stage of 2 ranks"), 1, two.timings().stream()
                .filter(t -> t.stage() == 0).toList());
        Path profile = writeProfile(dir.resolve("p.csv"));
        String[] workload = {"--profile", profile.toString(), "--kv-blocks", "20", "--num-requests", "8", "--scale-input", "32",
            "--scale-output", "16"};
        SimulateCommandTest.Run tp = SimulateCommandTest.run(concat(new String[] {"simulate", "--stage-profile",
            write(group, dir.resolve("tp.csv")).toString(), "--policies", "tp,pp-vllm"}, workload));
        assertEquals(0, tp.code(), tp.err());
        assertTrue(tp.out().contains("=== tp ===") && tp.out().contains("=== pp-vllm ==="), tp.out());
        Path pipeline = write(two, dir.resolve("stages.csv"));
        SimulateCommandTest.Run refused = SimulateCommandTest.run(concat(new String[] {"simulate", "--stage-profile", pipeline.toString(),
            "--policies", "tp"}, workload));
        assertEquals(2, refused.code());
        assertEquals("tdpipe: policy tp runs on the stage profile of one tensor-parallel group (tdpipe profile --tensor-parallel N"
                + " --stage-table); " + pipeline + " profiles a pipeline of 2 stages", refused.err().strip());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aStageProfileNeedsTheKvCacheAndTheSchedulersTable() throws IOException {
        Path stages = write(stageProfile(), dir.resolve("stages.csv"));
        SimulateCommandTest.Run noBlocks = SimulateCommandTest.run("simulate", "--stage-profile", stages.toString(), "--profile",
                writeProfile(dir.resolve("p.csv")).toString());
        assertEquals(2, noBlocks.code());
        assertTrue(noBlocks.err().contains("--stage-profile needs --kv-blocks"), noBlocks.err());
        SimulateCommandTest.Run noProfile = SimulateCommandTest.run("simulate", "--stage-profile", stages.toString(), "--kv-blocks", "8");
        assertEquals(2, noProfile.code());
        assertTrue(noProfile.err().contains("--stage-profile needs --profile"), noProfile.err());
    }
}

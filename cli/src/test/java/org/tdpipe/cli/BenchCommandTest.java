package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.predict.LengthScale;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.sim.workload.WorkloadItem;
import picocli.CommandLine;

class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void everyPolicyRunsTheSameWorkloadOnTheRealPipeline() throws IOException {
        Path json = dir.resolve("bench.json");
        Path chart = dir.resolve("timeline.png");
        SimulateCommandTest.Run run = SimulateCommandTest.run("bench", "--model", "dummy:llama-260k", "--stages", "2",
                "--num-requests", "8", "--seed", "0", "--scale-input", "16", "--scale-output", "8", "--profile-max-tokens", "32",
                "--profile-cache", dir.resolve("cache").toString(),
                "--policies", "td-pipe,pp-vllm,pp-chunked", "--json", json.toString(), "--chart", chart.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("=== td-pipe ===") && run.out().contains("Throughput: "), run.out());
        assertTrue(run.out().contains("Cached the T[n] profile"), run.out());
        assertTrue(Files.size(chart) > 0);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertTrue(doc.get("setup").get("measured").asBoolean());
        assertEquals("3,2", doc.get("setup").get("layer_split").asText());
        JsonNode runs = doc.get("runs");
        assertEquals(3, runs.size());
        for (JsonNode r : runs) {
            assertEquals(8, r.get("num_requests").asInt());
            assertEquals(runs.get(0).get("output_tokens").asLong(), r.get("output_tokens").asLong(), r.get("policy").asText());
            double bubble = r.get("bubble_ratio").asDouble();
            assertTrue(bubble >= 0 && bubble < 1, "bubble ratio " + bubble);
            assertEquals(2, r.get("stage_utilization").size());
        }
    }

    @Test
    void aSecondStartReusesTheProfileCachedForTheModelAndHardware() {
        String[] args = {"bench", "--model", "dummy:llama-260k", "--stages", "2", "--num-requests", "2", "--scale-input", "8",
            "--scale-output", "4", "--profile-max-tokens", "16", "--policies", "td-pipe", "--profile-cache", dir.resolve("cache").toString()};
        SimulateCommandTest.Run first = SimulateCommandTest.run(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("Profiled T[n]") && first.out().contains("Cached the T[n] profile"), first.out());
        SimulateCommandTest.Run second = SimulateCommandTest.run(args);
        assertEquals(0, second.code(), second.err());
        assertTrue(!second.out().contains("Profiled T[n]") && second.out().contains("Reused the cached T[n] profile"), second.out());
    }

    @Test
    void aMeasuredProfileIsWrittenInTheTdPipeFormatAndDrivesABench() throws IOException {
        Path csv = dir.resolve("profile.csv");
        SimulateCommandTest.Run profiled = SimulateCommandTest.run("profile", "--model", "dummy:llama-260k", "--stages", "2",
                "--threads-per-stage", "1", "--max-tokens", "40", "--repeats", "1", "--out", csv.toString());
        assertEquals(0, profiled.code(), profiled.err());
        Profile profile = Profile.read(csv);
        assertEquals(40, profile.maxTokens());
        assertEquals("Total Length,Execute Time", Files.readAllLines(csv).getFirst());

        Path json = dir.resolve("bench.json");
        SimulateCommandTest.Run bench = SimulateCommandTest.run("bench", "--model", "dummy:llama-260k", "--stages", "2",
                "--num-requests", "4", "--scale-input", "8", "--scale-output", "4", "--policies", "td-pipe",
                "--profile", csv.toString(), "--json", json.toString());
        assertEquals(0, bench.code(), bench.err());
        assertEquals(csv.toString(), new ObjectMapper().readTree(json.toFile()).get("setup").get("profile").asText());
    }

    @Test
    void scalingShrinksTheLongestToTheLimitAndKeepsTheShape() {
        List<WorkloadItem> scaled = new LengthScaling(50, 10).apply(List.of(new WorkloadItem(400, 100, 0),
                new WorkloadItem(100, 5, 0), new WorkloadItem(4, 40, 0)));
        assertEquals(List.of(new WorkloadItem(50, 10, 0), new WorkloadItem(13, 1, 0), new WorkloadItem(1, 4, 0)), scaled);
        assertEquals(List.of(new WorkloadItem(4, 5, 0)), new LengthScaling(50, 10).apply(List.of(new WorkloadItem(4, 5, 0))));
        assertEquals(new LengthScale(50 / 400.0, 10 / 100.0), new LengthScaling(50, 10).factors(List.of(new WorkloadItem(400, 100, 0),
                new WorkloadItem(100, 5, 0))), "what a learned predictor is told");
        assertEquals(LengthScale.IDENTITY, new LengthScaling(50, 10).factors(List.of(new WorkloadItem(4, 5, 0))));
    }

    @Test
    void fixedInputAndOutputLengthsReplaceTheTracesLengths() throws IOException {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--model", "dummy:llama-260k", "--input-len", "12", "--output-len", "5", "--num-requests", "6");
        List<WorkloadItem> items = bench.workload.build(new WorkloadOptions.Defaults(32, 64, 64)).items();
        assertEquals(Collections.nCopies(6, new WorkloadItem(12, 5, 0)), items);

        Path json = dir.resolve("bench.json");
        SimulateCommandTest.Run run = SimulateCommandTest.run("bench", "--model", "dummy:llama-260k", "--stages", "1",
                "--input-len", "16", "--output-len", "8", "--num-requests", "4", "--policies", "pp-chunked",
                "--profile-max-tokens", "16", "--profile-cache", dir.resolve("cache").toString(), "--json", json.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("Total num prompt tokens:  64") && run.out().contains("Total num output tokens:  32"), run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(16, doc.get("setup").get("input_len").asInt());
        assertEquals(8, doc.get("setup").get("output_len").asInt());
        assertEquals(64, doc.get("runs").get(0).get("prompt_tokens").asLong());
        assertEquals(32, doc.get("runs").get(0).get("output_tokens").asLong());
    }

    @Test
    void fixedLengthsComeTogetherAndRefuseTheOptionsOfATrace() {
        String[] base = {"bench", "--model", "dummy:llama-260k", "--policies", "pp-chunked"};
        assertRefused("--input-len and --output-len go together, but only --input-len is given", base, "--input-len", "8");
        assertRefused("--scale-input shapes the lengths of a trace; it cannot go with --input-len / --output-len", base,
                "--input-len", "8", "--output-len", "4", "--scale-input", "16");
        assertRefused("--workload shapes the lengths of a trace; it cannot go with --input-len / --output-len", base,
                "--input-len", "8", "--output-len", "4", "--workload", "trace.csv");
        assertRefused("--arrival trace takes a trace's timestamps; it cannot go with --input-len / --output-len", base,
                "--input-len", "8", "--output-len", "4", "--arrival", "trace");
        assertRefused("--input-len and --output-len must be >= 1, got 0 and 4", base, "--input-len", "0", "--output-len", "4");
    }

    @Test
    void validationSimulatesThePolicyTpOnTheProfileOfItsTensorParallelGroup() throws IOException {
        Path json = dir.resolve("bench.json");
        SimulateCommandTest.Run run = SimulateCommandTest.run("bench", "--model", "dummy:llama-260k", "--stages", "2",
                "--threads-per-stage", "1", "--num-requests", "6", "--scale-input", "16", "--scale-output", "8", "--kv-blocks", "12",
                "--profile-max-tokens", "16", "--profile-cache", dir.resolve("cache").toString(), "--policies", "pp-vllm,tp",
                "--validate", "--json", json.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("Profiled 2 stage(s)") && run.out().contains("Profiled one tensor-parallel stage of 2 ranks"), run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("2 stage(s)", doc.get("setup").get("stage_profile_setup").get("pipeline").asText());
        assertEquals("one tensor-parallel stage of 2 ranks", doc.get("setup").get("tp_stage_profile_setup").get("pipeline").asText());
        JsonNode validation = doc.get("validation");
        assertEquals(List.of("pp-vllm", "tp"), List.of(validation.get(0).get("policy").asText(), validation.get(1).get("policy").asText()));
        assertEquals(2, validation.get(0).get("stage_time_measured_over_predicted").size());
        assertEquals(1, validation.get(1).get("stage_time_measured_over_predicted").size(), "tp: one stage, the group");
        for (JsonNode v : validation) {
            assertTrue(v.get("predicted_total_tokens_per_s").asDouble() > 0, v.toString());
            assertTrue(v.get("replay_batches_replayed").asInt() > 0, v.toString());
        }
    }

    @Test
    void profileSplitsStagesOverTensorParallelRanksOnlyForTheStageTable() throws IOException {
        Path table = dir.resolve("tp.csv");
        SimulateCommandTest.Run group = SimulateCommandTest.run("profile", "--model", "dummy:llama-260k", "--tensor-parallel", "2",
                "--threads-per-stage", "2", "--max-tokens", "8", "--max-decode-seqs", "2", "--out", dir.resolve("t.csv").toString(),
                "--stage-table", table.toString());
        assertEquals(0, group.code(), group.err());
        StageProfile profiled = StageProfile.read(table);
        assertEquals(1, profiled.numStages());
        assertEquals("one tensor-parallel stage of 2 ranks", profiled.setup().get("pipeline"));
        assertRefused("profile --tensor-parallel measures the stage table of the split stages: add --stage-table FILE (T[n] is the unsplit"
                + " model's)", new String[] {"profile", "--model", "dummy:llama-260k", "--out", dir.resolve("t.csv").toString()},
                "--tensor-parallel", "2");
    }

    @Test
    void aStageProfileMustDescribeWhatThePolicyRunsOn() throws IOException {
        Path twoStages = SimulatorValidationTest.write(SimulatorValidationTest.stageProfile(), dir.resolve("stages.csv"));
        String[] base = {"bench", "--model", "dummy:llama-260k", "--stages", "2", "--num-requests", "4", "--scale-input", "16",
            "--scale-output", "8", "--profile-max-tokens", "16", "--profile-cache", dir.resolve("cache").toString()};
        assertRefused(twoStages + " profiles 2 stage(s) but the policy tp runs one tensor-parallel stage of 2 ranks", base,
                "--policies", "tp", "--validate", "--tp-stage-profile", twoStages.toString());
        assertRefused("--stage-profile and --tp-stage-profile are read only with --validate", base,
                "--policies", "tp", "--tp-stage-profile", twoStages.toString());
    }

    private static void assertRefused(String message, String[] base, String... more) {
        String[] args = Stream.concat(Arrays.stream(base), Arrays.stream(more)).toArray(String[]::new);
        SimulateCommandTest.Run run = SimulateCommandTest.run(args);
        assertEquals(2, run.code(), run.out());
        assertEquals("tdpipe: " + message, run.err().strip());
    }
}

package org.tdpipe.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.VirtualClock;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerStats;
import org.tdpipe.core.sched.tdpipe.TdPipeSmokeTest;
import org.tdpipe.core.testing.FakePipelineExecutor;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;

class EngineMetricsTest {
    private static final long MS = 1_000_000;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final KvCacheShape CACHE = new KvCacheShape(16, 120);

    private final VirtualClock clock = new VirtualClock();
    private final Timeline timeline = new Timeline(2);

    private EngineMetrics metrics(String modelName) {
        return new EngineMetrics(modelName, 100, CACHE, clock, timeline, WINDOW);
    }

    private static String scrape(EngineMetrics metrics) throws IOException {
        StringBuilder out = new StringBuilder();
        metrics.writeTo(out);
        return out.toString();
    }

    private static Request request(long id, int promptLength, long arrivalMs) {
        int[] prompt = new int[promptLength];
        return new Request(id, "r" + id, prompt, SamplingParams.fixedLength(10), arrivalMs * MS);
    }

    /** Appends a token at {@code ms} and tells the metrics, as the engine does. */
    private static void token(EngineMetrics metrics, Request r, long ms) {
        r.appendToken(7, ms * MS);
        metrics.onToken(r, SampledToken.withoutLogprobs(7));
    }

    private static void finish(EngineMetrics metrics, Request r, FinishReason reason, long ms) {
        r.markFinished(reason, ms * MS);
        metrics.onFinished(r);
    }

    /** Two stages, four requests in every state; the clock ends at 10 s. */
    private EngineMetrics scenario() {
        timeline.record(new Span(0, 1, Phase.PREFILL, 2, 8, 0, 2_000 * MS));
        timeline.record(new Span(0, 2, Phase.DECODE, 2, 2, 2_000 * MS, 3_000 * MS));
        timeline.record(new Span(1, 1, Phase.PREFILL, 2, 8, 2_000 * MS, 4_000 * MS));
        timeline.record(new Span(1, 2, Phase.DECODE, 2, 2, 4_000 * MS, 5_000 * MS));
        EngineMetrics m = metrics("llama-test");
        m.setPredictorAccuracy(() -> 0.75);

        Request stops = request(1, 3, 0);
        stops.markRunning(500 * MS);
        token(m, stops, 1_000);
        token(m, stops, 1_050);
        token(m, stops, 1_250);
        finish(m, stops, FinishReason.STOP, 1_250);

        Request capped = request(2, 5, 2_000);
        capped.markRunning(2_500 * MS);
        token(m, capped, 4_500);
        finish(m, capped, FinishReason.LENGTH, 4_500);

        finish(m, request(3, 4, 3_000), FinishReason.ERROR, 6_000);

        Request running = request(4, 2, 5_000);
        running.markRunning(5_000 * MS);
        token(m, running, 6_000);
        token(m, running, 6_500);

        m.onSchedulerStats(new SchedulerStats(1, 1, 2, 30, 120, 4, 7, "decode"));
        m.onApiRequest(1, 10);
        m.onApiRequest(3, 200);
        m.onLaunch(new StepBatch(1, Phase.PREFILL, List.of(new ScheduledSeq(running, 0, 2, true)), 0));
        clock.advanceTo(10_000 * MS);
        return m;
    }

    @Test
    void scrapeMatchesTheGoldenExposition() throws IOException {
        String golden;
        try (InputStream in = getClass().getResourceAsStream("engine-metrics.golden.prom")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, scrape(scenario()));
    }

    @Test
    void scrapeFollowsTheTextFormatAndCountsTheScenario() throws IOException {
        Exposition e = Exposition.parse(scrape(scenario()));
        e.samples().forEach(s -> {
            if (!(s.name().startsWith("vllm:") || s.name().startsWith("tdpipe:")) || !"llama-test".equals(s.labels().get("model_name"))) {
                throw new AssertionError("every series is vllm:… or tdpipe:… with model_name: " + s);
            }
        });
        assertEquals(3, e.value("vllm:num_requests_running"));
        assertEquals(1, e.value("vllm:num_requests_waiting"));
        assertEquals(0.25, e.value("vllm:kv_cache_usage_perc"));
        assertEquals(0.25, e.value("vllm:gpu_cache_usage_perc"), "V0's name for dashboards that still query it");
        assertEquals(1, e.value("vllm:cache_config_info", "num_gpu_blocks", "120"));
        assertEquals(4, e.value("vllm:num_preemptions_total"));
        assertEquals(3 + 5 + 2, e.value("vllm:prompt_tokens_total"), "the errored request never prefilled");
        assertEquals(6, e.value("vllm:generation_tokens_total"));
        assertEquals(1, e.value("vllm:request_success_total", "finished_reason", "stop"));
        assertEquals(1, e.value("vllm:request_success_total", "finished_reason", "length"));
        assertEquals(0, e.value("vllm:request_success_total", "finished_reason", "abort"));
        assertEquals(1, e.value("vllm:request_success_total", "finished_reason", "error"));

        // TTFT 1.0 s, 2.5 s, 1.0 s; "le" is inclusive
        assertEquals(0, e.value("vllm:time_to_first_token_seconds_bucket", "le", "0.75"));
        assertEquals(2, e.value("vllm:time_to_first_token_seconds_bucket", "le", "1.0"));
        assertEquals(3, e.value("vllm:time_to_first_token_seconds_bucket", "le", "2.5"));
        assertEquals(4.5, e.value("vllm:time_to_first_token_seconds_sum"), 1e-12);
        // inter-token 0.05 s, 0.2 s, 0.5 s
        assertEquals(1, e.value("vllm:inter_token_latency_seconds_bucket", "le", "0.05"));
        assertEquals(2, e.value("vllm:inter_token_latency_seconds_bucket", "le", "0.2"));
        assertEquals(3, e.value("vllm:inter_token_latency_seconds_count"));
        // finished: e2e 1.25, 2.5, 3.0 s; only the scheduled two have a queue time
        assertEquals(3, e.value("vllm:e2e_request_latency_seconds_count"));
        assertEquals(6.75, e.value("vllm:e2e_request_latency_seconds_sum"), 1e-12);
        assertEquals(2, e.value("vllm:request_queue_time_seconds_bucket", "le", "0.5"));
        assertEquals(2, e.value("vllm:request_queue_time_seconds_count"));
        // scheduled at 0.5 s and 2.5 s, first tokens at 1.0 s and 4.5 s, finished at 1.25 s and 4.5 s
        assertEquals(2.5, e.value("vllm:request_prefill_time_seconds_sum"), 1e-12);
        assertEquals(0.25, e.value("vllm:request_decode_time_seconds_sum"), 1e-12);
        assertEquals(2.75, e.value("vllm:request_inference_time_seconds_sum"), 1e-12);
        assertEquals(3, e.value("vllm:time_per_output_token_seconds_count"), "V0's name for the inter-token latency");
        assertEquals(210, e.value("vllm:request_params_max_tokens_sum"));
        assertEquals(210, e.value("vllm:request_max_num_generation_tokens_sum"));
        assertEquals(1, e.value("vllm:request_params_n_bucket", "le", "2.0"));
        assertEquals(4, e.value("vllm:request_params_n_sum"));
        assertEquals(1, e.value("vllm:iteration_tokens_total_bucket", "le", "8.0"));
        assertEquals(12, e.value("vllm:request_prompt_tokens_sum"));
        assertEquals(4, e.value("vllm:request_generation_tokens_sum"));
        // vLLM's 1-2-5 token buckets up to the context length; the errored request generated 0
        assertEquals(List.of("1.0", "2.0", "5.0", "10.0", "20.0", "50.0", "100.0", "+Inf"),
                e.find("vllm:request_generation_tokens_bucket").stream().map(s -> s.labels().get("le")).toList());
        assertEquals(2, e.value("vllm:request_generation_tokens_bucket", "le", "1.0"));

        assertEquals(1, e.value("tdpipe:phase", "phase", "decode"));
        assertEquals(0, e.value("tdpipe:phase", "phase", "prefill"));
        assertEquals(0, e.value("tdpipe:phase", "phase", "mixed"));
        assertEquals(7, e.value("tdpipe:phase_switches_total"));
        // each stage busy 3 s of the 10 s window
        assertEquals(0.3, e.value("tdpipe:stage_utilization", "stage", "0"), 1e-12);
        assertEquals(0.3, e.value("tdpipe:stage_utilization", "stage", "1"), 1e-12);
        assertEquals(0.7, e.value("tdpipe:bubble_ratio"), 1e-12);
        assertEquals(0.7, e.value("tdpipe:bubble_ratio_by_cause", "cause", "fill_drain"), 1e-12);
        assertEquals(0.75, e.value("tdpipe:predictor_recent_bucket_accuracy"));
    }
    @Test
    void modelNamesWithQuotesBackslashesAndNewlinesAreEscaped() throws IOException {
        String name = "odd \"model\" C:\\weights\nv2";
        String text = scrape(metrics(name));
        assertTrue(text.contains("model_name=\"odd \\\"model\\\" C:\\\\weights\\nv2\""), text);
        Exposition e = Exposition.parse(text);
        e.samples().forEach(s -> assertEquals(name, s.labels().get("model_name")));
    }

    @Test
    void aFreshEngineExposesEverySeriesAtZeroAndNoPredictorGaugeUnlessAsked() throws IOException {
        Exposition e = Exposition.parse(scrape(metrics("m")));
        assertEquals(0, e.value("vllm:num_requests_running"));
        assertEquals(0, e.value("vllm:time_to_first_token_seconds_count"));
        assertEquals(0, e.value("tdpipe:phase", "phase", "prefill") + e.value("tdpipe:phase", "phase", "decode")
                + e.value("tdpipe:phase", "phase", "mixed"));
        assertEquals(0, e.find("tdpipe:predictor_recent_bucket_accuracy").size());
        assertEquals(0, e.value("tdpipe:stage_utilization", "stage", "1"));

        EngineMetrics withPredictor = metrics("m");
        withPredictor.setPredictorAccuracy(() -> 1.0);
        assertEquals(0, Exposition.parse(scrape(withPredictor)).find("tdpipe:predictor_recent_bucket_accuracy").size(),
                "no request finished yet");
        EngineMetrics notLearning = metrics("m");
        notLearning.setPredictorAccuracy(() -> Double.NaN);
        Request r = request(1, 2, 0);
        r.markRunning(0);
        token(notLearning, r, 10);
        finish(notLearning, r, FinishReason.LENGTH, 10);
        assertEquals(0, Exposition.parse(scrape(notLearning)).find("tdpipe:predictor_recent_bucket_accuracy").size(),
                "a predictor that does not learn has no accuracy: the gauge is absent, not NaN");
    }

    @Test
    void utilizationAndBubbleRatioLookOnlyAtTheLastWindow() throws IOException {
        EngineMetrics m = metrics("m");
        // stage 0 busy [1 s, 4 s), stage 1 busy [4 s, 7 s)
        timeline.record(new Span(0, 1, Phase.DECODE, 1, 1, 1_000 * MS, 4_000 * MS));
        timeline.record(new Span(1, 1, Phase.DECODE, 1, 1, 4_000 * MS, 7_000 * MS));
        clock.advanceTo(5_000 * MS); // window [0, 5 s): the engine is younger than the window
        Exposition e = Exposition.parse(scrape(m));
        assertEquals(0.6, e.value("tdpipe:stage_utilization", "stage", "0"), 1e-12);
        assertEquals(0.2, e.value("tdpipe:stage_utilization", "stage", "1"), 1e-12);
        assertEquals(0.6, e.value("tdpipe:bubble_ratio"), 1e-12);

        clock.advanceTo(15_000 * MS); // window [5 s, 15 s)
        e = Exposition.parse(scrape(m));
        assertEquals(0, e.value("tdpipe:stage_utilization", "stage", "0"));
        assertEquals(0.2, e.value("tdpipe:stage_utilization", "stage", "1"), 1e-12);
        assertEquals(0.9, e.value("tdpipe:bubble_ratio"), 1e-12);
        double causes = e.find("tdpipe:bubble_ratio_by_cause").stream().mapToDouble(Exposition.Sample::value).sum();
        assertEquals(0.9, causes, 1e-12);

        clock.advanceTo(30_000 * MS); // nothing ran in the window: all bubble
        assertEquals(1, Exposition.parse(scrape(m)).value("tdpipe:bubble_ratio"));
    }

    @Test
    void theWindowMustFitInTheTimelinesRetention() {
        timeline.retainOnlyLast(WINDOW.toNanos() - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> metrics("m"));
        assertTrue(e.getMessage().contains("less than the metrics window"), e.getMessage());
        timeline.retainOnlyLast(2 * WINDOW.toNanos());
        metrics("m");
        assertThrows(IllegalArgumentException.class, () -> new EngineMetrics("m", 100, CACHE, clock, timeline, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new EngineMetrics("m", 0, CACHE, clock, timeline, WINDOW));
    }

    @Test
    void asTheEngineListenerItCountsWhatTheRunProduced() throws IOException {
        FakePipelineExecutor executor = new FakePipelineExecutor(2, 1_000_000, 1_000);
        PolicyContext ctx = new PolicyContext(2, 200, 16, 4096, TdPipeSmokeTest.linearProfile(), new OraclePredictor());
        EngineMetrics m = new EngineMetrics("m", 4096, CACHE, executor.clock(), executor.timeline(), WINDOW);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(new Request(i, "r" + i, new int[] {1, 2, 3, i}, SamplingParams.fixedLength(5 + i % 7), i * 2 * MS));
        }
        RunResult result = new Engine(executor, Policies.create("td-pipe", ctx), new OraclePredictor(),
                new StopChecker(2, 4096), m).run(requests);
        m.onSchedulerStats(result.schedulerStats());

        Exposition e = Exposition.parse(scrape(m));
        assertEquals(result.promptTokens(), e.value("vllm:prompt_tokens_total"));
        assertEquals(result.outputTokens(), e.value("vllm:generation_tokens_total"));
        assertEquals(40, e.value("vllm:request_success_total", "finished_reason", "length"));
        assertEquals(40, e.value("vllm:time_to_first_token_seconds_count"));
        assertEquals(result.outputTokens() - 40, e.value("vllm:inter_token_latency_seconds_count"));
        assertEquals(result.outputTokens(), e.value("vllm:request_generation_tokens_sum"));
        assertEquals(result.schedulerStats().phaseSwitches(), e.value("tdpipe:phase_switches_total"));
        double sumE2e = requests.stream().mapToDouble(r -> (r.finishNanos() - r.arrivalNanos()) / 1e9).sum();
        assertEquals(sumE2e, e.value("vllm:e2e_request_latency_seconds_sum"), 1e-9);
        assertEquals(result.timelineStats().bubbleRatio(), e.value("tdpipe:bubble_ratio"), 1e-9,
                "the whole run fits in the window");
    }
}

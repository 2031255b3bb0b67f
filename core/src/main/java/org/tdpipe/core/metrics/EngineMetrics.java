package org.tdpipe.core.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.StepObserver;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.SchedulerStats;
import org.tdpipe.core.timeline.BubbleCause;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.core.timeline.TimelineStats;

/**
 * The engine's metrics for {@code GET /metrics} in the Prometheus text format: vLLM's set under
 * vLLM's own names and buckets ({@code vllm:…}, V1's and the V0 names its dashboards still query),
 * each series labelled with {@code model_name}, plus TD-Pipe's own under {@code tdpipe:} — the
 * scheduler phase, phase switches, per-stage utilization and the bubble ratio over a sliding
 * window, and the length predictor's recent accuracy.
 *
 * <p>Thread-safe. The engine thread feeds it: as the engine's {@link EngineListener} (tokens and
 * finishes) and {@link StepObserver} (launches, the policy's counters); the server adds each API
 * request's parameters ({@link #onApiRequest}). Any thread may
 * {@link #writeTo scrape} it; the request metrics of one scrape come from a single consistent
 * snapshot. Utilization and bubble ratio are computed at scrape time from the executor's
 * {@link Timeline} over the last {@code window} of the engine {@link Clock}; a batch counts once it
 * has completed on a stage. A server bounds that timeline first, e.g. with
 * {@code timeline.retainOnlyLast(2 * window.toNanos())}: the window needs the timeline to keep at
 * least its length, and twice that gives the bubble attribution the runs before the window.
 */
public final class EngineMetrics implements EngineListener, StepObserver {
    /** The {@code Content-Type} of {@link #writeTo}'s output. */
    public static final String CONTENT_TYPE = PrometheusTextWriter.CONTENT_TYPE;
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    private static final String VLLM = "vllm:";
    private static final String TDPIPE = "tdpipe:";
    /** Phases always exposed, so that a dashboard sees every series from the first scrape. */
    private static final List<String> PHASES = List.of("prefill", "decode", "mixed");
    private static final SchedulerStats NO_STEP_YET = new SchedulerStats(0, 0, 0, 0, 0, 0, 0, "");

    private final Labels model;
    private final KvCacheShape cache;
    private final Clock clock;
    private final Timeline timeline;
    private final long windowNanos;
    private final String windowText;

    private final Object lock = new Object();
    private final Histogram timeToFirstToken = new Histogram(VllmBuckets.TIME_TO_FIRST_TOKEN_SECONDS);
    private final Histogram interTokenLatency = new Histogram(VllmBuckets.INTER_TOKEN_LATENCY_SECONDS);
    private final Histogram e2eLatency = new Histogram(VllmBuckets.REQUEST_LATENCY_SECONDS);
    private final Histogram queueTime = new Histogram(VllmBuckets.REQUEST_LATENCY_SECONDS);
    private final Histogram prefillTime = new Histogram(VllmBuckets.REQUEST_LATENCY_SECONDS);
    private final Histogram decodeTime = new Histogram(VllmBuckets.REQUEST_LATENCY_SECONDS);
    private final Histogram inferenceTime = new Histogram(VllmBuckets.REQUEST_LATENCY_SECONDS);
    private final Histogram promptLength;
    private final Histogram generationLength;
    private final Histogram maxTokensParam;
    private final Histogram nParam = new Histogram(VllmBuckets.REQUEST_N);
    private final Histogram iterationTokens = new Histogram(VllmBuckets.ITERATION_TOKENS);
    private final Map<String, Long> finishedByReason = new LinkedHashMap<>();
    /** Time of the latest token of each request that has one and is not finished. */
    private final Map<Long, Long> lastTokenNanos = new HashMap<>();
    private long promptTokens;
    private long generationTokens;

    private volatile SchedulerStats scheduler = NO_STEP_YET;
    private volatile DoubleSupplier predictorAccuracy;
    private volatile double recentAccuracy = Double.NaN;

    /**
     * @param modelName the served model name, the {@code model_name} label of every series
     * @param maxModelLen the context length; the token-count histograms have 1-2-5 buckets up to it
     * @param cache the KV cache, for {@code vllm:cache_config_info}
     * @param clock the engine clock (the executor's), which request timestamps and spans use
     * @param timeline the executor's timeline, keeping at least {@code window} of spans
     * @param window how far back stage utilization and the bubble ratio look
     */
    public EngineMetrics(String modelName, int maxModelLen, KvCacheShape cache, Clock clock, Timeline timeline,
            Duration window) {
        this.model = Labels.of("model_name", Objects.requireNonNull(modelName, "modelName"));
        this.cache = Objects.requireNonNull(cache, "cache");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("metrics window must be > 0, got " + window);
        }
        this.windowNanos = window.toNanos();
        if (timeline.retentionNanos() < windowNanos) {
            throw new IllegalArgumentException("the timeline keeps only " + timeline.retentionNanos()
                    + " ns of spans, less than the metrics window of " + windowNanos + " ns");
        }
        this.windowText = window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() / 1000.0 + " s";
        this.promptLength = new Histogram(VllmBuckets.oneTwoFive(maxModelLen));
        this.generationLength = new Histogram(VllmBuckets.oneTwoFive(maxModelLen));
        this.maxTokensParam = new Histogram(VllmBuckets.oneTwoFive(maxModelLen));
        for (FinishReason reason : FinishReason.values()) {
            finishedByReason.putIfAbsent(reason.openAiName(), 0L);
        }
    }

    /**
     * Exposes {@code tdpipe:predictor_recent_bucket_accuracy} once the supplier gives a number (a
     * predictor that does not learn gives NaN, and the gauge stays absent). The supplier is read on
     * the engine thread right after each request finishes (after the predictor has observed it), so
     * it need not be thread-safe; e.g. {@code () -> learned.recentAccuracy().bucketAccuracy()}.
     */
    public void setPredictorAccuracy(DoubleSupplier recentBucketAccuracy) {
        this.predictorAccuracy = Objects.requireNonNull(recentBucketAccuracy, "recentBucketAccuracy");
    }

    /** The policy's state after the engine changed it (running, waiting, KV usage, preemptions, phase). */
    @Override
    public void onSchedulerStats(SchedulerStats stats) {
        this.scheduler = Objects.requireNonNull(stats, "stats");
    }

    /** The tokens of each launched batch, vLLM's {@code iteration_tokens_total}. */
    @Override
    public void onLaunch(StepBatch batch) {
        synchronized (lock) {
            iterationTokens.observe(batch.numTokens());
        }
    }

    /** An API request was admitted with {@code n} choices of at most {@code maxTokens} tokens each. */
    public void onApiRequest(int n, int maxTokens) {
        synchronized (lock) {
            nParam.observe(n);
            maxTokensParam.observe(maxTokens);
        }
    }

    /** Time to first token on a request's first token, inter-token latency after it; never stops a request. */
    @Override
    public boolean onToken(Request request, SampledToken token) {
        long now = request.lastTokenNanos();
        synchronized (lock) {
            generationTokens++;
            Long previous = lastTokenNanos.put(request.id(), now);
            if (request.numOutputTokens() == 1) {
                promptTokens += request.promptLength();
                timeToFirstToken.observe(seconds(now - request.arrivalNanos()));
            } else if (previous != null) {
                interTokenLatency.observe(seconds(now - previous));
            }
        }
        return true;
    }

    @Override
    public void onFinished(Request request) {
        synchronized (lock) {
            lastTokenNanos.remove(request.id());
            finishedByReason.merge(request.finishReason().openAiName(), 1L, Long::sum);
            e2eLatency.observe(seconds(request.finishNanos() - request.arrivalNanos()));
            long scheduled = request.firstScheduledNanos();
            long firstToken = request.firstTokenNanos();
            if (scheduled >= 0) {
                queueTime.observe(seconds(scheduled - request.arrivalNanos()));
                inferenceTime.observe(seconds(request.finishNanos() - scheduled));
            }
            if (scheduled >= 0 && firstToken >= 0) {
                prefillTime.observe(seconds(firstToken - scheduled));
                decodeTime.observe(seconds(request.finishNanos() - firstToken));
            }
            promptLength.observe(request.promptLength());
            generationLength.observe(request.numOutputTokens());
        }
        DoubleSupplier accuracy = predictorAccuracy;
        if (accuracy != null) {
            recentAccuracy = accuracy.getAsDouble();
        }
    }

    /** Writes every metric in the Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
    public void writeTo(Appendable out) throws IOException {
        RequestSnapshot requests = snapshotRequests();
        SchedulerStats sched = scheduler;
        long now = clock.nanos();
        TimelineStats window = timeline.stats(Math.max(0, now - windowNanos), now);
        PrometheusTextWriter w = new PrometheusTextWriter(out);

        w.family(VLLM + "num_requests_running", MetricType.GAUGE,
                "Requests admitted and holding KV blocks: in a batch in flight or between decode steps.");
        w.sample(model, sched.running() + sched.ready());
        w.family(VLLM + "num_requests_waiting", MetricType.GAUGE,
                "Requests waiting for admission, including those preempted by recompute.");
        w.sample(model, sched.waiting());
        w.family(VLLM + "kv_cache_usage_perc", MetricType.GAUGE, "KV-cache usage as a fraction; 1 means every block is in use.");
        w.sample(model, sched.kvUsage());
        w.family(VLLM + "gpu_cache_usage_perc", MetricType.GAUGE, "The same as vllm:kv_cache_usage_perc (vLLM V0's name).");
        w.sample(model, sched.kvUsage());
        w.family(VLLM + "cache_config_info", MetricType.GAUGE, "The KV cache's configuration, in the labels.");
        w.sample(model.and("block_size", Integer.toString(cache.blockSize()))
                .and("num_gpu_blocks", Integer.toString(cache.numBlocks())), 1);
        w.family(VLLM + "num_preemptions_total", MetricType.COUNTER, "Preemptions (by recompute) since the engine started.");
        w.sample(model, sched.preemptions());

        w.family(VLLM + "prompt_tokens_total", MetricType.COUNTER,
                "Prompt tokens prefilled, counted once per request when its first token is generated.");
        w.sample(model, requests.promptTokens);
        w.family(VLLM + "generation_tokens_total", MetricType.COUNTER, "Tokens generated.");
        w.sample(model, requests.generationTokens);
        w.family(VLLM + "request_success_total", MetricType.COUNTER,
                "Finished requests by finish reason (stop, length, abort, error).");
        for (Map.Entry<String, Long> e : requests.finishedByReason.entrySet()) {
            w.sample(model.and("finished_reason", e.getKey()), e.getValue());
        }

        histogram(w, "time_to_first_token_seconds", "Time from a request's arrival to its first generated token, in seconds.",
                requests.timeToFirstToken);
        histogram(w, "inter_token_latency_seconds", "Time between consecutive generated tokens of a request, in seconds.",
                requests.interTokenLatency);
        histogram(w, "time_per_output_token_seconds", "The same as vllm:inter_token_latency_seconds (vLLM V0's name).",
                requests.interTokenLatency);
        histogram(w, "e2e_request_latency_seconds", "Time from a request's arrival to its finish, in seconds.",
                requests.e2eLatency);
        histogram(w, "request_queue_time_seconds", "Time from a request's arrival until it was first scheduled, in seconds.",
                requests.queueTime);
        histogram(w, "request_prefill_time_seconds", "Time from a request's first scheduling to its first token, in seconds.",
                requests.prefillTime);
        histogram(w, "request_decode_time_seconds", "Time from a request's first token to its finish, in seconds.",
                requests.decodeTime);
        histogram(w, "request_inference_time_seconds", "Time from a request's first scheduling to its finish, in seconds.",
                requests.inferenceTime);
        histogram(w, "request_prompt_tokens", "Prompt length of finished requests, in tokens.", requests.promptLength);
        histogram(w, "request_generation_tokens", "Generated length of finished requests, in tokens.",
                requests.generationLength);
        histogram(w, "request_params_max_tokens", "The max_tokens of each API request.", requests.maxTokensParam);
        histogram(w, "request_max_num_generation_tokens", "The same as vllm:request_params_max_tokens (vLLM V0's name).",
                requests.maxTokensParam);
        histogram(w, "request_params_n", "The n (choices) of each API request.", requests.nParam);
        histogram(w, "iteration_tokens_total", "Tokens per launched batch (engine step).", requests.iterationTokens);

        w.family(TDPIPE + "phase", MetricType.GAUGE,
                "The scheduler's phase: 1 for the current one (mixed for policies without phases), 0 for the others.");
        for (String phase : PHASES) {
            w.sample(model.and("phase", phase), phase.equals(sched.phase()) ? 1 : 0);
        }
        if (!sched.phase().isEmpty() && !PHASES.contains(sched.phase())) {
            w.sample(model.and("phase", sched.phase()), 1);
        }
        w.family(TDPIPE + "phase_switches_total", MetricType.COUNTER, "Switches between the prefill and decode phases.");
        w.sample(model, sched.phaseSwitches());

        w.family(TDPIPE + "stage_utilization", MetricType.GAUGE,
                "Busy fraction of each pipeline stage over the last " + windowText + ".");
        double[] utilization = window.utilization();
        for (int stage = 0; stage < utilization.length; stage++) {
            w.sample(model.and("stage", Integer.toString(stage)), utilization[stage]);
        }
        w.family(TDPIPE + "bubble_ratio", MetricType.GAUGE, "Pipeline bubble over the last " + windowText
                + ": 1 - busy time / (stages x window); an idle engine reads 1.");
        w.sample(model, window.bubbleRatio());
        w.family(TDPIPE + "bubble_ratio_by_cause", MetricType.GAUGE,
                "The bubble ratio split by cause; the causes sum to tdpipe:bubble_ratio.");
        for (BubbleCause cause : BubbleCause.values()) {
            w.sample(model.and("cause", cause.key()), window.bubbleShare().get(cause));
        }

        double accuracy = recentAccuracy;
        if (!Double.isNaN(accuracy)) {
            w.family(TDPIPE + "predictor_recent_bucket_accuracy", MetricType.GAUGE,
                    "Fraction of recently finished requests whose predicted output-length bucket held the true length.");
            w.sample(model, accuracy);
        }
    }

    private void histogram(PrometheusTextWriter w, String name, String help, HistogramSnapshot h) throws IOException {
        w.family(VLLM + name, MetricType.HISTOGRAM, help);
        w.histogram(model, h);
    }

    private RequestSnapshot snapshotRequests() {
        synchronized (lock) {
            return new RequestSnapshot(promptTokens, generationTokens, new LinkedHashMap<>(finishedByReason),
                    timeToFirstToken.snapshot(), interTokenLatency.snapshot(), e2eLatency.snapshot(), queueTime.snapshot(),
                    prefillTime.snapshot(), decodeTime.snapshot(), inferenceTime.snapshot(), promptLength.snapshot(),
                    generationLength.snapshot(), maxTokensParam.snapshot(), nParam.snapshot(), iterationTokens.snapshot());
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The request metrics at one instant, taken under the lock and written outside it. */
    private record RequestSnapshot(long promptTokens, long generationTokens, Map<String, Long> finishedByReason,
            HistogramSnapshot timeToFirstToken, HistogramSnapshot interTokenLatency, HistogramSnapshot e2eLatency,
            HistogramSnapshot queueTime, HistogramSnapshot prefillTime, HistogramSnapshot decodeTime,
            HistogramSnapshot inferenceTime, HistogramSnapshot promptLength, HistogramSnapshot generationLength,
            HistogramSnapshot maxTokensParam, HistogramSnapshot nParam, HistogramSnapshot iterationTokens) {
    }
}

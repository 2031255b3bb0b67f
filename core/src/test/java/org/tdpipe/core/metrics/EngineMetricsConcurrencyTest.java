package org.tdpipe.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.WallClock;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.SchedulerStats;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;

/** The engine thread feeds the metrics while another thread scrapes them. */
class EngineMetricsConcurrencyTest {
    private static final int PROMPT = 4;
    private static final int TOKENS_PER_REQUEST = 5;
    private static final int SCRAPES = 30;
    private static final int MAX_REQUESTS = 200_000;

    @Test
    void everyScrapeIsAConsistentSnapshotWhileTheEngineThreadWrites() throws Exception {
        Timeline timeline = new Timeline(2);
        timeline.retainOnlyLast(Duration.ofSeconds(2).toNanos());
        WallClock clock = new WallClock();
        EngineMetrics metrics = new EngineMetrics("m", 2048, new KvCacheShape(16, 100), clock, timeline, Duration.ofSeconds(1));
        metrics.onSchedulerStats(new SchedulerStats(0, 0, 0, 0, 10, 0, 0, "prefill"));
        AtomicBoolean scrapingDone = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Long> engine = threads.submit(() -> feed(metrics, timeline, clock, scrapingDone));
            Future<?> scraper = threads.submit(() -> {
                try {
                    for (int i = 0; i < SCRAPES; i++) {
                        checkConsistent(Exposition.parse(scrape(metrics)));
                    }
                } finally {
                    scrapingDone.set(true);
                }
                return null;
            });
            scraper.get();
            long finished = engine.get();
            Exposition last = Exposition.parse(scrape(metrics));
            checkConsistent(last);
            assertEquals(finished, last.value("vllm:request_success_total", "finished_reason", "stop"));
            assertEquals(finished * TOKENS_PER_REQUEST, last.value("vllm:generation_tokens_total"));
            assertTrue(finished > 0);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }

    /** Runs requests through the metrics as the engine would, until the scraper is done; returns how many finished. */
    private static long feed(EngineMetrics metrics, Timeline timeline, WallClock clock, AtomicBoolean stop) {
        long id = 0;
        while (!stop.get() && id < MAX_REQUESTS) {
            Request r = new Request(id, "r" + id, new int[PROMPT], SamplingParams.fixedLength(TOKENS_PER_REQUEST), clock.nanos());
            r.markRunning(clock.nanos());
            for (int t = 0; t < TOKENS_PER_REQUEST; t++) {
                r.appendToken(t, clock.nanos());
                metrics.onToken(r, SampledToken.withoutLogprobs(t));
            }
            long now = clock.nanos();
            r.markFinished(FinishReason.STOP, now);
            metrics.onFinished(r);
            if (id % 1000 == 0) {
                timeline.record(new Span(0, id, Phase.DECODE, 1, 1, r.firstScheduledNanos(), now));
                timeline.record(new Span(1, id, Phase.DECODE, 1, 1, now, clock.nanos()));
            }
            metrics.onSchedulerStats(new SchedulerStats(0, 1, 0, (int) (id % 10), 10, id, id, id % 2 == 0 ? "prefill" : "decode"));
            id++;
        }
        return id;
    }

    /** Invariants that hold only if all request metrics come from one instant. */
    private static void checkConsistent(Exposition e) {
        double firstTokens = e.value("vllm:time_to_first_token_seconds_count");
        assertEquals(firstTokens * PROMPT, e.value("vllm:prompt_tokens_total"));
        assertEquals(e.value("vllm:generation_tokens_total"),
                firstTokens + e.value("vllm:inter_token_latency_seconds_count"));
        double finished = e.value("vllm:e2e_request_latency_seconds_count");
        assertEquals(finished, e.value("vllm:request_success_total", "finished_reason", "stop"));
        assertEquals(finished * TOKENS_PER_REQUEST, e.value("vllm:request_generation_tokens_sum"));
        assertTrue(firstTokens - finished <= 1, "at most one request is between its first token and its finish");
        assertEquals(1, e.value("tdpipe:phase", "phase", "prefill") + e.value("tdpipe:phase", "phase", "decode")
                + e.value("tdpipe:phase", "phase", "mixed"));
    }

    private static String scrape(EngineMetrics metrics) {
        StringBuilder out = new StringBuilder();
        try {
            metrics.writeTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString();
    }
}

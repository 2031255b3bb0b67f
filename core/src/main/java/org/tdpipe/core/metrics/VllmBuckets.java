package org.tdpipe.core.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's (v1) histogram bucket bounds, so that dashboards and SLO queries written for
 * {@code vllm:} metrics read ours the same way.
 */
final class VllmBuckets {
    static final double[] TIME_TO_FIRST_TOKEN_SECONDS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    static final double[] INTER_TOKEN_LATENCY_SECONDS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    /** End-to-end latency and the per-phase request times (queue, prefill, decode). */
    static final double[] REQUEST_LATENCY_SECONDS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0,
            40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    /** Choices per request ({@code request_params_n}). */
    static final double[] REQUEST_N = {1, 2, 5, 10, 20};
    /** Tokens per engine step ({@code iteration_tokens_total}). */
    static final double[] ITERATION_TOKENS = {1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};

    private VllmBuckets() {
    }

    /** 1, 2, 5, 10, 20, 50, … up to {@code max} inclusive: the token-count buckets, sized by the model's context. */
    static double[] oneTwoFive(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("token-count buckets need a maximum >= 1, got " + max);
        }
        List<Double> bounds = new ArrayList<>();
        for (long decade = 1; decade <= max; decade *= 10) {
            for (int mantissa : new int[] {1, 2, 5}) {
                if (mantissa * decade <= max) {
                    bounds.add((double) (mantissa * decade));
                }
            }
        }
        return bounds.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

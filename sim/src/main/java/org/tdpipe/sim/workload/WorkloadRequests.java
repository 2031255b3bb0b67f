package org.tdpipe.sim.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

/**
 * Turns workload items into engine requests under the benchmark protocol: {@code ignore_eos},
 * {@code max_tokens} = the trace's output length. The simulator never reads token values, so prompts
 * are filled with a placeholder id.
 */
public final class WorkloadRequests {
    /** Placeholder prompt token id. */
    public static final int PROMPT_TOKEN = 1;

    private WorkloadRequests() {
    }

    /** Request ids 0..n−1 in item order; external ids {@code prefix-<i>}. */
    public static List<Request> toRequests(List<WorkloadItem> items, String prefix) {
        List<Request> requests = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            WorkloadItem item = items.get(i);
            int[] prompt = new int[item.promptTokens()];
            Arrays.fill(prompt, PROMPT_TOKEN);
            requests.add(new Request(i, prefix + "-" + i, prompt, SamplingParams.fixedLength(item.outputTokens()),
                    item.arrivalNanos()));
        }
        return requests;
    }
}

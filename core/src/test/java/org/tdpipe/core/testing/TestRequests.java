package org.tdpipe.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

/** Requests in the states the scheduling mechanisms see them, for hand-built scenarios. */
public final class TestRequests {
    private TestRequests() {
    }

    /** A waiting request whose predicted output length is its max_tokens. */
    public static Request waiting(long id, int promptLen, int maxTokens) {
        Request r = new Request(id, "r" + id, new int[promptLen], SamplingParams.fixedLength(maxTokens), 0);
        r.setPredictedOutputLength(maxTokens);
        return r;
    }

    /** A request that has been prefilled (its prompt's blocks taken) and is READY for its first decode step. */
    public static Request ready(long id, int promptLen, BlockManager blocks) {
        Request r = waiting(id, promptLen, 100);
        blocks.ensureCapacity(r, promptLen);
        r.markRunning(0);
        r.markComputed(promptLen);
        r.appendToken(1, 0);
        r.markReady();
        return r;
    }

    /**
     * Requests 0 … small − 1 holding one full block each and request {@code small}, the latest
     * arrival, holding {@code largeBlocks} full blocks: every one needs a new block for its next token.
     */
    public static List<Request> readyWithALargeLatestArrival(BlockManager blocks, int small, int largeBlocks) {
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < small; i++) {
            out.add(ready(i, 16, blocks));
        }
        out.add(ready(small, 16 * largeBlocks, blocks));
        return out;
    }
}

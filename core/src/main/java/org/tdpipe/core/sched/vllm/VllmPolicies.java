package org.tdpipe.core.sched.vllm;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerPolicy;

/** Builds the vLLM baselines of DESIGN §3 by name. */
public final class VllmPolicies {
    public static final String PP_VLLM = "pp-vllm";
    public static final String TP = "tp";
    public static final String PP_CHUNKED = ChunkedPrefillPolicy.NAME;
    public static final List<String> NAMES = List.of(PP_VLLM, PP_CHUNKED, TP);

    private VllmPolicies() {
    }

    public static SchedulerPolicy create(String name, PolicyContext ctx) {
        return create(name, ctx, VllmOptions.defaults());
    }

    /**
     * @param name {@code pp-vllm}, {@code pp-chunked} or {@code tp}
     * @throws IllegalArgumentException for another name, naming the known ones
     */
    public static SchedulerPolicy create(String name, PolicyContext ctx, VllmOptions options) {
        if (ctx.maxModelLen() < 1) {
            throw new IllegalArgumentException("max model length must be >= 1, got " + ctx.maxModelLen());
        }
        return switch (name) {
            case PP_VLLM -> virtualEngines(PP_VLLM, ctx.numStages(), ctx, options);
            case TP -> virtualEngines(TP, 1, ctx, options);
            case PP_CHUNKED -> new ChunkedPrefillPolicy(new BlockManager(ctx.numBlocks(), ctx.blockSize(), options.watermark()),
                    options.maxNumSeqs(), options.maxNumBatchedTokens(), ctx.maxModelLen());
            default -> throw new IllegalArgumentException("unknown scheduler policy '" + name + "', expected one of " + NAMES);
        };
    }

    /**
     * {@code count} vLLM V0 schedulers, each with its own slice of {@code numBlocks / count} blocks
     * (vLLM's {@code num_gpu_blocks //= pipeline_parallel_size}) and a budget of at least the model
     * length.
     */
    private static VirtualEnginePolicy virtualEngines(String name, int count, PolicyContext ctx, VllmOptions options) {
        int blocksEach = ctx.numBlocks() / count;
        if (blocksEach < 1) {
            throw new IllegalArgumentException(name + ": " + ctx.numBlocks() + " KV blocks cannot be split over "
                    + count + " virtual engines");
        }
        int tokenBudget = Math.max(options.maxNumBatchedTokens(), ctx.maxModelLen());
        int promptLimit = Math.min(ctx.maxModelLen(), tokenBudget);
        List<VirtualEngine> engines = new ArrayList<>(count);
        for (int v = 0; v < count; v++) {
            engines.add(new VirtualEngine(v, new BlockManager(v * blocksEach, blocksEach, ctx.blockSize(), options.watermark()),
                    options.maxNumSeqs(), tokenBudget, promptLimit));
        }
        return new VirtualEnginePolicy(name, engines);
    }
}

package org.tdpipe.core.sched.adaptive;

/**
 * Overrides for the adaptive TD-Pipe policy. Every value is derived by default — a memory line or
 * chunk size of 0 or less, a negative watermark (0 keeps no block free) — so nothing here is a
 * tuned constant.
 *
 * @param memoryLine fraction of KV blocks the memory plan fills, both when it stops a prefill phase
 *     and when it admits on a switch; derived: {@code 1 − watermark}
 * @param prefillChunkTokens prefill micro-batch size; derived per phase by
 *     {@link PhaseCostModel#bestChunk}
 * @param watermark fraction of blocks kept free when admitting a prefill; derived: one block per
 *     stage's worth of decode growth, i.e. {@code P / blocks}, at least one block
 * @param lookahead decide decode → prefill by {@link SwitchLookahead}; off: switch as soon as
 *     anything is admissible (a memory-only hysteresis on the consistent plan)
 */
public record AdaptiveOptions(double memoryLine, int prefillChunkTokens, double watermark, boolean lookahead) {

    public static AdaptiveOptions derived() {
        return new AdaptiveOptions(-1, 0, -1, true);
    }

    public AdaptiveOptions withLookahead(boolean on) {
        return new AdaptiveOptions(memoryLine, prefillChunkTokens, watermark, on);
    }

    public AdaptiveOptions withMemoryLine(double line) {
        return new AdaptiveOptions(line, prefillChunkTokens, watermark, lookahead);
    }

    double watermarkFor(int numStages, int numBlocks) {
        return watermark >= 0 ? watermark : Math.min(0.5, (double) Math.max(1, numStages) / numBlocks);
    }

    double memoryLineFor(double derivedWatermark) {
        return memoryLine > 0 ? memoryLine : 1 - derivedWatermark;
    }
}

package org.tdpipe.core.sched.tdpipe;

/**
 * Constants and ablation switches of the TD-Pipe policy; the defaults are the authors' values.
 *
 * @param greedyPrefill stop prefilling at the predicted peak (§2.2); off: prefill until real
 *     memory is full
 * @param workStealing rebuild every decode micro-batch from the shared ready pool (§2.4); off:
 *     fixed batch membership assigned round-robin at prefill
 * @param switchRule decode → prefill rule (§2.5)
 * @param prefillTokenBudget a prefill micro-batch closes when {@code count × max_len} reaches it (192)
 * @param peakBatch per-stage decode batch at which decode counts as saturated (192)
 * @param intensityReferenceBatch batch size that normalizes decode intensity (256)
 * @param prefillStopFraction prefill stops at this fraction of blocks of predicted peak (0.9)
 * @param admitFraction the switch simulation admits while the predicted peak stays under this (1.0)
 * @param watermark fraction of blocks kept free when admitting a prefill (0.02)
 * @param maxNumBatchedTokens prompt limit is {@code min(max_model_len, this)} (2048)
 * @param memoryPlan what the memory simulation forecasts from (the authors': point predictions)
 */
public record TdPipeOptions(
        boolean greedyPrefill,
        boolean workStealing,
        SwitchRule switchRule,
        int prefillTokenBudget,
        int peakBatch,
        int intensityReferenceBatch,
        double prefillStopFraction,
        double admitFraction,
        double watermark,
        int maxNumBatchedTokens,
        MemoryPlan memoryPlan) {

    /** The decode → prefill switch rule. */
    public enum SwitchRule {
        /** Spatial–temporal intensity comparison (the authors'). */
        INTENSITY,
        /** Switch as soon as the memory simulation admits a waiting request. */
        MEMORY_ONLY
    }

    /** What the KV forecast of prefill admission and of the switch rule is built from. */
    public enum MemoryPlan {
        /** The predicted peak of the point predictions ({@link MemorySimulation}, the authors'). */
        PREDICTED_PEAK,
        /** The expected usage under the predicted length distributions ({@link DistributionMemorySimulation}). */
        DISTRIBUTION,
        /**
         * No predictor: the blocks the requests hold now ({@link CurrentKvFootprint}), so prefill
         * runs until memory is (nearly) full and decode growth is left to preemption.
         */
        CURRENT_FOOTPRINT
    }

    public static TdPipeOptions faithful() {
        return new TdPipeOptions(true, true, SwitchRule.INTENSITY, 192, 192, 256, 0.9, 1.0, 0.02, 2048, MemoryPlan.PREDICTED_PEAK);
    }

    public TdPipeOptions withGreedyPrefill(boolean on) {
        return new TdPipeOptions(on, workStealing, switchRule, prefillTokenBudget, peakBatch, intensityReferenceBatch,
                prefillStopFraction, admitFraction, watermark, maxNumBatchedTokens, memoryPlan);
    }

    public TdPipeOptions withWorkStealing(boolean on) {
        return new TdPipeOptions(greedyPrefill, on, switchRule, prefillTokenBudget, peakBatch, intensityReferenceBatch,
                prefillStopFraction, admitFraction, watermark, maxNumBatchedTokens, memoryPlan);
    }

    public TdPipeOptions withSwitchRule(SwitchRule rule) {
        return new TdPipeOptions(greedyPrefill, workStealing, rule, prefillTokenBudget, peakBatch, intensityReferenceBatch,
                prefillStopFraction, admitFraction, watermark, maxNumBatchedTokens, memoryPlan);
    }

    public TdPipeOptions withMemoryPlan(MemoryPlan plan) {
        return new TdPipeOptions(greedyPrefill, workStealing, switchRule, prefillTokenBudget, peakBatch, intensityReferenceBatch,
                prefillStopFraction, admitFraction, watermark, maxNumBatchedTokens, plan);
    }
}

package org.tdpipe.sim.cost;

/**
 * How the layers are split over pipeline stages, as vLLM's {@code get_pp_indices} and the TD-Pipe
 * code do: {@code floor(L/P)} layers per stage, and the {@code L mod P} extra layers go one each to
 * the stages counted from the second-to-last backwards (indices −2, −3, …), because the first and
 * last stages also carry the embedding and the LM head.
 */
public final class LayerPartition {
    private LayerPartition() {
    }

    public static int layersOnStage(int totalLayers, int numStages, int stage) {
        StageCostModel.checkStage(stage, numStages);
        if (numStages > totalLayers) {
            throw new IllegalArgumentException(numStages + " pipeline stages for only " + totalLayers + " layers");
        }
        int extra = totalLayers % numStages;
        boolean getsExtra = stage <= numStages - 2 && stage >= numStages - 1 - extra;
        return totalLayers / numStages + (getsExtra ? 1 : 0);
    }
}

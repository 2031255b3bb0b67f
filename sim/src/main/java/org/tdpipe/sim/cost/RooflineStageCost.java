package org.tdpipe.sim.cost;

/**
 * Ground truth for a pipeline without a profile: stage s runs its share of the layers
 * ({@link LayerPartition}) plus the embedding on the first stage and the final norm, LM head and
 * sampling on the last, each from the {@link TransformerRoofline} of one GPU, and never faster
 * than the host can launch the stage's kernels. Unlike the profile,
 * decode cost grows with the context read by attention, and the stages are unequal.
 */
public final class RooflineStageCost implements StageCostModel {
    private final TransformerRoofline roofline;
    private BatchLoad lastLoad;
    private double lastLayerNanos;

    /**
     * One stage per GPU when {@code roofline} has one shard; with a tensor-parallel shard, stage 0
     * of 1 is the compute of one GPU of the group (communication excluded).
     */
    public RooflineStageCost(TransformerRoofline roofline) {
        this.roofline = roofline;
    }

    @Override
    public long stageNanos(BatchLoad load, int stage, int numStages) {
        int layers = LayerPartition.layersOnStage(roofline.model().layers(), numStages, stage);
        double t = layers * layerNanos(load);
        if (stage == 0) {
            t += roofline.firstStageExtraNanos(load);
        }
        if (stage == numStages - 1) {
            t += roofline.lastStageExtraNanos(load);
        }
        return Math.round(Math.max(t, roofline.launchFloorNanos(layers)));
    }

    /** Every stage of a batch asks in turn; the per-layer time is computed once per batch. */
    private double layerNanos(BatchLoad load) {
        if (load != lastLoad) {
            lastLayerNanos = roofline.layerNanos(load);
            lastLoad = load;
        }
        return lastLayerNanos;
    }
}

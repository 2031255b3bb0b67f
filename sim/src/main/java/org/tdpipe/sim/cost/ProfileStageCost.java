package org.tdpipe.sim.cost;

import org.tdpipe.core.profile.Profile;

/**
 * TD-Pipe's own belief taken as the truth (the faithful mode): every stage takes {@code T[n] / P}
 * for a batch of n new tokens, whatever their context, as the authors' scheduler assumes.
 */
public final class ProfileStageCost implements StageCostModel {
    private final Profile profile;

    public ProfileStageCost(Profile profile) {
        this.profile = profile;
    }

    @Override
    public long stageNanos(BatchLoad load, int stage, int numStages) {
        StageCostModel.checkStage(stage, numStages);
        return Math.round(profile.forwardMs(load.numTokens()) * 1e6 / numStages);
    }
}

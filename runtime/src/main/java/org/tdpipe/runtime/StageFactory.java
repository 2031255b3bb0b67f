package org.tdpipe.runtime;

import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;

/** Loads the computation of one stage: {@link LlamaStageComputation#load} in production. */
@FunctionalInterface
public interface StageFactory {
    StageComputation load(ModelSource source, LayerRange range, StageResources resources);
}

package org.tdpipe.runtime;

import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.AllReduce;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.TensorShard;

/** Loads the computation of one stage, or of one tensor-parallel rank of it: {@link LlamaStageComputation#loadRank} in production. */
@FunctionalInterface
public interface StageFactory {
    /** {@code shard} is {@link TensorShard#WHOLE} (with {@link AllReduce#NONE}) for a stage of its own. */
    StageComputation load(ModelSource source, LayerRange range, StageResources resources, TensorShard shard, AllReduce allReduce);
}

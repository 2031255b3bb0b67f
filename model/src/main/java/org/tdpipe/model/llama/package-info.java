/**
 * The Llama-family forward pass (Llama 2/3, Mistral, Qwen2) over a paged KV cache, executing the
 * engine's {@link org.tdpipe.core.exec.StepBatch}es: {@link org.tdpipe.model.llama.LlamaStage} is
 * one pipeline stage (a {@link org.tdpipe.model.llama.LayerRange} of layers plus, at the ends, the
 * embedding or the LM head), {@link org.tdpipe.model.llama.HiddenStates} is what crosses a stage
 * boundary, {@link org.tdpipe.model.llama.LocalModelRunner} chains the stages in one process and
 * {@link org.tdpipe.model.llama.LocalModelExecutor} puts it behind the engine's executor seam.
 */
package org.tdpipe.model.llama;

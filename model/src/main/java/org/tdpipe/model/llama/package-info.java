/**
 * The Llama-family forward pass (Llama 2/3, Mistral, Qwen2) over a paged KV cache, computing the
 * steps laid out by {@link org.tdpipe.model.step.SequenceTable}: {@link org.tdpipe.model.llama.LlamaStage}
 * is one pipeline stage (a {@link org.tdpipe.model.llama.LayerRange} of layers plus, at the ends,
 * the embedding or the LM head) and {@link org.tdpipe.model.llama.HiddenStates} is what crosses a
 * stage boundary. Stages are run by the runtime's stage workers; this package only computes.
 */
package org.tdpipe.model.llama;

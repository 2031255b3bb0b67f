/**
 * Model files: {@link org.tdpipe.model.format.ModelLoader} detects the format and returns a
 * {@link org.tdpipe.model.format.ModelSource} — {@link org.tdpipe.model.format.GgufModelSource} (GGUF v2/v3),
 * {@link org.tdpipe.model.format.Llama2cModelSource} (llama2.c checkpoint + tokenizer.bin) or
 * {@link org.tdpipe.model.format.HuggingFaceModelSource} (config.json, safetensors, tokenizer.json). All map
 * their files into an {@link java.lang.foreign.Arena} and expose tensors as zero-copy
 * {@link java.lang.foreign.MemorySegment} views under canonical GGUF names ({@link org.tdpipe.model.format.CanonicalTensors}).
 * Every problem with a file surfaces as a {@link org.tdpipe.model.format.ModelFormatException} naming the file.
 */
package org.tdpipe.model.format;

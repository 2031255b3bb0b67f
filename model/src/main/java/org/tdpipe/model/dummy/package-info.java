/**
 * Models with real shapes and deterministic pseudo-random weights ({@code dummy:<name>}, as vLLM's
 * {@code --load-format dummy}) and their byte-level tokenizer, for runs without downloaded weights.
 */
package org.tdpipe.model.dummy;

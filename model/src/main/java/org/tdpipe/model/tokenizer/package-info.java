/**
 * Tokenizers: {@link org.tdpipe.model.tokenizer.SentencePieceBpeTokenizer} (score-ranked merges, {@code ▁}
 * spaces, byte fallback) and {@link org.tdpipe.model.tokenizer.ByteLevelBpeTokenizer} (GPT-2 byte mapping,
 * merge ranks, regex {@link org.tdpipe.model.tokenizer.PreTokenizer}), both over a
 * {@link org.tdpipe.model.tokenizer.Vocabulary} and sharing the O(n log n)
 * {@link org.tdpipe.model.tokenizer.BpeMerger}; {@link org.tdpipe.model.tokenizer.StreamingDetokenizer} turns
 * generated ids into text without splitting characters. Tokenizers are immutable and safe to share between
 * threads; a streaming detokenizer belongs to one sequence.
 */
package org.tdpipe.model.tokenizer;

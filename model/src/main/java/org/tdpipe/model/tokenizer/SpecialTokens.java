package org.tdpipe.model.tokenizer;

/**
 * Ids of the special tokens of a vocabulary (-1 when absent) and whether encoders add BOS by default.
 */
public record SpecialTokens(int bos, int eos, int unknown, boolean addBos) {
}

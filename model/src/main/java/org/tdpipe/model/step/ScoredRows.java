package org.tdpipe.model.step;

/**
 * Rows of a batch whose logits score a sequence's prompt: row {@code rows[i]} scores
 * {@code targets.get(i)}, the prompt token at position {@code firstPosition + i}.
 */
public record ScoredRows(long seqId, int firstPosition, int[] rows, Ints targets, int top) {
}

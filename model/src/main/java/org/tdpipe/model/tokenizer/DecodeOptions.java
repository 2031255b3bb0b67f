package org.tdpipe.model.tokenizer;

/**
 * How control tokens (BOS, EOS, chat markers) appear in decoded text, as vLLM's
 * {@code skip_special_tokens} and {@code spaces_between_special_tokens}.
 *
 * @param skipSpecialTokens control tokens decode to nothing (the default)
 * @param spacesBetweenSpecialTokens when they are written, a space separates them from the text and
 *     the other control tokens beside them (Hugging Face's slow tokenizers, the default)
 */
public record DecodeOptions(boolean skipSpecialTokens, boolean spacesBetweenSpecialTokens) {
    public static final DecodeOptions DEFAULT = new DecodeOptions(true, true);
}

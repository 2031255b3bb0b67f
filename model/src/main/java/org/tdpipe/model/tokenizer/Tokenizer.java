package org.tdpipe.model.tokenizer;

/** Text ↔ token ids for one vocabulary. */
public interface Tokenizer {
    int vocabSize();

    /**
     * Token ids of {@code text}, with the BOS token first when {@code addBos}. Special tokens
     * (control and added tokens, e.g. {@code <|im_start|>}) written verbatim in the text are recognised.
     */
    int[] encode(String text, boolean addBos);

    /** Token ids of {@code text}, with BOS first when the vocabulary's metadata asks for it. */
    default int[] encode(String text) {
        return encode(text, addBosByDefault());
    }

    /**
     * The bytes a token stands for (byte-fallback and byte-level tokens decode to raw bytes, which may be
     * part of a multi-byte character; control tokens such as BOS/EOS decode to nothing).
     */
    byte[] tokenBytes(int token);

    /**
     * A token as the vocabulary writes it (e.g. {@code <s>}, {@code <|eot_id|>}, {@code ▁the}), for chat
     * templates' {@code bos_token}/{@code eos_token} and for diagnostics.
     */
    String piece(int token);

    /** Whether {@code token} is a control token (BOS, EOS, chat markers), which decodes to nothing by default. */
    boolean isControl(int token);

    /** BOS id, or -1 when the vocabulary has none. */
    int bosId();

    /** EOS id, or -1 when the vocabulary has none. */
    int eosId();

    /** Whether the model's metadata asks for BOS at the start of a prompt. */
    default boolean addBosByDefault() {
        return bosId() >= 0;
    }

    /**
     * Whether encoding puts a space in front of the text (SentencePiece {@code add_dummy_prefix}); decoders
     * then drop the leading space of the first piece (see {@link StreamingDetokenizer}).
     */
    default boolean addsSpacePrefix() {
        return false;
    }

    /** Decodes a whole sequence to text (invalid UTF-8 replaced). */
    String decode(int[] tokens);
}

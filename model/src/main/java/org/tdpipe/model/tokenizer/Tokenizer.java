package org.tdpipe.model.tokenizer;

/** Text ↔ token ids for one vocabulary. */
public interface Tokenizer {
    int vocabSize();

    /** Token ids of {@code text}, with the BOS token first when {@code addBos}. */
    int[] encode(String text, boolean addBos);

    /** The bytes a token stands for (byte-fallback and byte-level tokens decode to raw bytes). */
    byte[] tokenBytes(int token);

    /** BOS id, or -1 when the vocabulary has none. */
    int bosId();

    /** EOS id, or -1 when the vocabulary has none. */
    int eosId();

    /** Decodes a whole sequence to text (invalid UTF-8 replaced). */
    String decode(int[] tokens);
}

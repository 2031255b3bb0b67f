package org.tdpipe.model.tokenizer;

/** Kinds of vocabulary entries, numbered as GGUF's {@code tokenizer.ggml.token_type} (SentencePiece's piece types). */
public enum TokenType {
    NORMAL(1),
    UNKNOWN(2),
    /** Control tokens (BOS, EOS, chat markers): matched in text as a whole, decode to nothing. */
    CONTROL(3),
    /** Added tokens: matched in text as a whole before BPE, decode to their text. */
    USER_DEFINED(4),
    UNUSED(5),
    /** Byte-fallback tokens {@code <0xNN>}. */
    BYTE(6);

    private final int id;

    TokenType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The type with GGUF id {@code id}; unknown ids (e.g. 0 in some converted files) read as NORMAL. */
    public static TokenType byId(int id) {
        for (TokenType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return NORMAL;
    }

    /** Whether a token of this type is matched verbatim in input text before BPE runs. */
    public boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED;
    }
}

package org.tdpipe.model.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Token pieces with their scores and types, and the reverse lookup piece → id. */
public final class Vocabulary {
    private final String[] pieces;
    private final float[] scores;
    private final TokenType[] types;
    private final Map<String, Integer> ids;

    /**
     * @param scores SentencePiece scores (higher merges first), or {@code null} when the vocabulary has none
     * @param types one per piece, or {@code null} for all {@link TokenType#NORMAL}
     */
    public Vocabulary(String[] pieces, float[] scores, TokenType[] types) {
        if (scores != null && scores.length != pieces.length) {
            throw new IllegalArgumentException(pieces.length + " tokens but " + scores.length + " scores");
        }
        if (types != null && types.length != pieces.length) {
            throw new IllegalArgumentException(pieces.length + " tokens but " + types.length + " token types");
        }
        this.pieces = pieces.clone();
        this.scores = scores == null ? new float[pieces.length] : scores.clone();
        this.types = types == null ? filled(pieces.length) : types.clone();
        this.ids = new HashMap<>(pieces.length * 2);
        for (int i = 0; i < pieces.length; i++) {
            ids.put(pieces[i], i); // as llama.cpp: a duplicated piece maps to its last id
        }
    }

    private static TokenType[] filled(int n) {
        TokenType[] t = new TokenType[n];
        Arrays.fill(t, TokenType.NORMAL);
        return t;
    }

    public int size() {
        return pieces.length;
    }

    public String piece(int id) {
        return pieces[check(id)];
    }

    public float score(int id) {
        return scores[check(id)];
    }

    public TokenType type(int id) {
        return types[check(id)];
    }

    /** The id of {@code piece}, or -1. */
    public int id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? -1 : id;
    }

    private int check(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + pieces.length);
        }
        return id;
    }
}

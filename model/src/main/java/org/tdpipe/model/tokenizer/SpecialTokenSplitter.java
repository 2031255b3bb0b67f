package org.tdpipe.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts text around verbatim occurrences of special tokens ({@link TokenType#isSpecial() CONTROL and
 * USER_DEFINED}), longest token first at each position, so that they bypass BPE.
 */
final class SpecialTokenSplitter {
    /** A piece of the input: either plain text (token = -1) or one special token. */
    record Fragment(String text, int token) {
        boolean isText() {
            return token < 0;
        }
    }

    private final Map<Character, List<Integer>> byFirstChar = new HashMap<>();
    private final Vocabulary vocabulary;

    SpecialTokenSplitter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        for (int id = 0; id < vocabulary.size(); id++) {
            String piece = vocabulary.piece(id);
            if (vocabulary.type(id).isSpecial() && !piece.isEmpty()) {
                byFirstChar.computeIfAbsent(piece.charAt(0), c -> new ArrayList<>()).add(id);
            }
        }
        Comparator<Integer> longestFirst = Comparator.comparingInt(id -> -vocabulary.piece(id).length());
        byFirstChar.values().forEach(ids -> ids.sort(longestFirst));
    }

    List<Fragment> split(String text) {
        List<Fragment> out = new ArrayList<>();
        int textStart = 0;
        int i = 0;
        while (i < text.length()) {
            int token = matchAt(text, i);
            if (token < 0) {
                i++;
                continue;
            }
            if (i > textStart) {
                out.add(new Fragment(text.substring(textStart, i), -1));
            }
            out.add(new Fragment(vocabulary.piece(token), token));
            i += vocabulary.piece(token).length();
            textStart = i;
        }
        if (textStart < text.length()) {
            out.add(new Fragment(text.substring(textStart), -1));
        }
        return out;
    }

    private int matchAt(String text, int at) {
        List<Integer> candidates = byFirstChar.get(text.charAt(at));
        if (candidates != null) {
            for (int id : candidates) {
                if (text.startsWith(vocabulary.piece(id), at)) {
                    return id;
                }
            }
        }
        return -1;
    }
}

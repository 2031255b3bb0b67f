package org.tdpipe.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-level BPE (GPT-2, Llama 3, Qwen2, Falcon, MPT; GGUF {@code tokenizer.ggml.model = gpt2}): the text is
 * split into words by the model's {@link PreTokenizer}, each word's UTF-8 bytes are mapped to characters
 * ({@link ByteUnicodeMapping}) and merged by merge rank (earlier merges first).
 */
public final class ByteLevelBpeTokenizer extends BpeTokenizer {
    private final Map<String, Integer> mergeRanks;
    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;

    /**
     * @param merges merge rules in priority order, each "left right" in mapped characters
     * @param ignoreMerges whether a word that is itself a token is emitted whole without merging (Llama 3)
     */
    public ByteLevelBpeTokenizer(Vocabulary vocabulary, List<String> merges, PreTokenizer preTokenizer,
            SpecialTokens special, boolean ignoreMerges) {
        super(vocabulary, special, ByteLevelBpeTokenizer::pieceBytes);
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        this.mergeRanks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            if (merge.indexOf(' ', 1) < 0) {
                throw new IllegalArgumentException("merge rule " + rank + " '" + merge + "' is not 'left right'");
            }
            mergeRanks.putIfAbsent(merge, rank);
        }
    }

    private static byte[] pieceBytes(String piece, TokenType type) {
        return switch (type) {
            case USER_DEFINED, UNKNOWN -> piece.getBytes(StandardCharsets.UTF_8);
            default -> unmap(piece);
        };
    }

    private static byte[] unmap(String piece) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length());
        for (int i = 0; i < piece.length(); i++) {
            int b = ByteUnicodeMapping.byteOf(piece.charAt(i));
            if (b >= 0) {
                out.write(b);
            } else { // not a mapped byte (some vocabularies keep raw text): keep it as UTF-8
                int cp = piece.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toByteArray();
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        TokenBuffer out = startEncoding(addBos);
        for (SpecialTokenSplitter.Fragment fragment : fragments(text)) {
            if (!fragment.isText()) {
                out.add(fragment.token());
                continue;
            }
            for (String word : preTokenizer.split(fragment.text())) {
                encodeWord(ByteUnicodeMapping.encode(word.getBytes(StandardCharsets.UTF_8)), out);
            }
        }
        return out.toArray();
    }

    private void encodeWord(String word, TokenBuffer out) {
        if (ignoreMerges) {
            int whole = vocabulary.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        int[] bounds = BpeMerger.merge(word, (s, start, mid, end) -> {
            Integer rank = mergeRanks.get(s.substring(start, mid) + ' ' + s.substring(mid, end));
            return rank == null ? Double.NaN : rank;
        });
        encodeSymbols(word, bounds, out);
    }

    /** Falls back to one token per mapped byte, or the unknown token. */
    @Override
    protected void encodeMissing(String symbol, TokenBuffer out) {
        for (int c = 0; c < symbol.length(); c++) {
            int single = vocabulary.id(String.valueOf(symbol.charAt(c)));
            if (single < 0 && special.unknown() < 0) {
                throw new IllegalArgumentException("byte token '" + symbol.charAt(c) + "' missing from the vocabulary");
            }
            out.add(single >= 0 ? single : special.unknown());
        }
    }

    @Override
    public String toString() {
        return "ByteLevelBpeTokenizer[" + vocabulary.size() + " tokens, " + mergeRanks.size() + " merges]";
    }
}

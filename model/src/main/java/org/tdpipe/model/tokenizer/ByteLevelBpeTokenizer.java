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
public final class ByteLevelBpeTokenizer implements Tokenizer {
    private final Vocabulary vocabulary;
    private final Map<String, Integer> mergeRanks;
    private final PreTokenizer preTokenizer;
    private final SpecialTokens special;
    private final boolean ignoreMerges;
    private final SpecialTokenSplitter splitter;
    private final byte[][] decoded;

    /**
     * @param merges merge rules in priority order, each "left right" in mapped characters
     * @param ignoreMerges whether a word that is itself a token is emitted whole without merging (Llama 3)
     */
    public ByteLevelBpeTokenizer(Vocabulary vocabulary, List<String> merges, PreTokenizer preTokenizer,
            SpecialTokens special, boolean ignoreMerges) {
        this.vocabulary = vocabulary;
        this.preTokenizer = preTokenizer;
        this.special = special;
        this.ignoreMerges = ignoreMerges;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        this.mergeRanks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            if (merge.indexOf(' ', 1) < 0) {
                throw new IllegalArgumentException("merge rule " + rank + " '" + merge + "' is not 'left right'");
            }
            mergeRanks.putIfAbsent(merge, rank);
        }
        decoded = new byte[vocabulary.size()][];
        for (int id = 0; id < vocabulary.size(); id++) {
            decoded[id] = pieceBytes(id);
        }
    }

    private byte[] pieceBytes(int id) {
        String piece = vocabulary.piece(id);
        return switch (vocabulary.type(id)) {
            case CONTROL, UNUSED -> new byte[0];
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
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        TokenBuffer out = new TokenBuffer();
        if (addBos && special.bos() >= 0) {
            out.add(special.bos());
        }
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text)) {
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
        for (int i = 0; i + 1 < bounds.length; i++) {
            String symbol = word.substring(bounds[i], bounds[i + 1]);
            int id = vocabulary.id(symbol);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (int c = 0; c < symbol.length(); c++) {
                int single = vocabulary.id(String.valueOf(symbol.charAt(c)));
                if (single < 0 && special.unknown() < 0) {
                    throw new IllegalArgumentException("byte token '" + symbol.charAt(c) + "' missing from the vocabulary");
                }
                out.add(single >= 0 ? single : special.unknown());
            }
        }
    }

    @Override
    public byte[] tokenBytes(int token) {
        vocabulary.piece(token); // range check
        return decoded[token].clone();
    }

    @Override
    public int bosId() {
        return special.bos();
    }

    @Override
    public int eosId() {
        return special.eos();
    }

    @Override
    public boolean addBosByDefault() {
        return special.addBos() && special.bos() >= 0;
    }

    @Override
    public String decode(int[] tokens) {
        return StreamingDetokenizer.decodeAll(this, tokens);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public String toString() {
        return "ByteLevelBpeTokenizer[" + vocabulary.size() + " tokens, " + mergeRanks.size() + " merges]";
    }
}

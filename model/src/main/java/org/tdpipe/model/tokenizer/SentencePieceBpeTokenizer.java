package org.tdpipe.model.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * SentencePiece-style BPE (llama2.c, Llama 2, Phi-3, Mistral; GGUF {@code tokenizer.ggml.model = llama}):
 * spaces become {@code ▁}, an optional {@code ▁} is put in front of the text, code points are merged by
 * the highest score of the merged piece, and characters missing from the vocabulary fall back to their
 * UTF-8 bytes as {@code <0xNN>} tokens. Pieces scored {@code -∞} are never formed by merging (used for
 * vocabularies defined by merge rules, where only listed pairs merge).
 */
public final class SentencePieceBpeTokenizer extends BpeTokenizer {
    static final char SPACE_MARK = '\u2581';
    private static final byte[] UNKNOWN_TEXT = " \u2047 ".getBytes(StandardCharsets.UTF_8);

    private final boolean addSpacePrefix;
    private final int[] byteTokens = new int[256];

    public SentencePieceBpeTokenizer(Vocabulary vocabulary, SpecialTokens special, boolean addSpacePrefix) {
        super(vocabulary, special, SentencePieceBpeTokenizer::pieceBytes);
        this.addSpacePrefix = addSpacePrefix;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocabulary.id(String.format("<0x%02X>", b));
        }
    }

    private static byte[] pieceBytes(String piece, TokenType type) {
        return switch (type) {
            case UNKNOWN -> UNKNOWN_TEXT;
            case BYTE -> parseByteToken(piece);
            default -> piece.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] parseByteToken(String piece) {
        if (piece.matches("<0x[0-9A-Fa-f]{2}>")) {
            return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
        }
        return piece.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        TokenBuffer out = startEncoding(addBos);
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment fragment : fragments(text)) {
            if (fragment.isText()) {
                String prefixed = addSpacePrefix && afterSpecial ? " " + fragment.text() : fragment.text();
                encodeText(prefixed.replace(' ', SPACE_MARK), out);
                afterSpecial = false;
            } else {
                out.add(fragment.token());
                afterSpecial = true;
            }
        }
        return out.toArray();
    }

    private void encodeText(String text, TokenBuffer out) {
        int[] bounds = BpeMerger.merge(text, (s, start, mid, end) -> {
            int id = vocabulary.id(s.substring(start, end));
            return id < 0 || vocabulary.score(id) == Float.NEGATIVE_INFINITY ? Double.NaN : -vocabulary.score(id);
        });
        encodeSymbols(text, bounds, out);
    }

    /** Falls back to the {@code <0xNN>} tokens of the UTF-8 bytes, or the unknown token. */
    @Override
    protected void encodeMissing(String symbol, TokenBuffer out) {
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            int byteToken = byteTokens[b & 0xFF];
            out.add(byteToken >= 0 ? byteToken : requireUnknown(symbol));
        }
    }

    private int requireUnknown(String symbol) {
        if (special.unknown() < 0) {
            throw new IllegalArgumentException("cannot encode '" + symbol + "': no byte-fallback or unknown token");
        }
        return special.unknown();
    }

    @Override
    public boolean addsSpacePrefix() {
        return addSpacePrefix;
    }

    @Override
    public String toString() {
        return "SentencePieceBpeTokenizer[" + vocabulary.size() + " tokens]";
    }
}

package org.tdpipe.model.tokenizer;

import java.util.List;

/**
 * What both BPE tokenizer families share: the vocabulary and its special tokens (recognised verbatim in
 * the text), the bytes every token decodes to (control and unused tokens to nothing), and turning the
 * symbols left by {@link BpeMerger} into ids — a symbol missing from the vocabulary goes to the family's
 * own fallback, {@link #encodeMissing}.
 */
abstract sealed class BpeTokenizer implements Tokenizer permits ByteLevelBpeTokenizer, SentencePieceBpeTokenizer {
    /** The bytes a regular (not control or unused) vocabulary entry stands for. */
    @FunctionalInterface
    interface PieceDecoder {
        byte[] bytes(String piece, TokenType type);
    }

    protected final Vocabulary vocabulary;
    protected final SpecialTokens special;
    private final SpecialTokenSplitter splitter;
    private final byte[][] decoded;

    BpeTokenizer(Vocabulary vocabulary, SpecialTokens special, PieceDecoder decoder) {
        this.vocabulary = vocabulary;
        this.special = special;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        this.decoded = new byte[vocabulary.size()][];
        for (int id = 0; id < vocabulary.size(); id++) {
            TokenType type = vocabulary.type(id);
            decoded[id] = switch (type) {
                case CONTROL, UNUSED -> new byte[0];
                default -> decoder.bytes(vocabulary.piece(id), type);
            };
        }
    }

    /** An empty output, or one holding BOS when {@code addBos} and the vocabulary has it. */
    protected final TokenBuffer startEncoding(boolean addBos) {
        TokenBuffer out = new TokenBuffer();
        if (addBos && special.bos() >= 0) {
            out.add(special.bos());
        }
        return out;
    }

    /** The text cut around verbatim special tokens. */
    protected final List<SpecialTokenSplitter.Fragment> fragments(String text) {
        return splitter.split(text);
    }

    /** Adds the ids of the merged symbols {@code text[bounds[i], bounds[i + 1])}. */
    protected final void encodeSymbols(String text, int[] bounds, TokenBuffer out) {
        for (int i = 0; i + 1 < bounds.length; i++) {
            String symbol = text.substring(bounds[i], bounds[i + 1]);
            int id = vocabulary.id(symbol);
            if (id >= 0) {
                out.add(id);
            } else {
                encodeMissing(symbol, out);
            }
        }
    }

    /** Adds the ids standing for a merged symbol that is not in the vocabulary. */
    protected abstract void encodeMissing(String symbol, TokenBuffer out);

    @Override
    public final int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public final byte[] tokenBytes(int token) {
        vocabulary.piece(token); // range check
        return decoded[token].clone();
    }

    @Override
    public final boolean isControl(int token) {
        return vocabulary.type(token) == TokenType.CONTROL;
    }

    @Override
    public final int bosId() {
        return special.bos();
    }

    @Override
    public final int eosId() {
        return special.eos();
    }

    @Override
    public final boolean addBosByDefault() {
        return special.addBos() && special.bos() >= 0;
    }

    @Override
    public final String decode(int[] tokens) {
        return StreamingDetokenizer.decodeAll(this, tokens);
    }

    @Override
    public final String piece(int token) {
        return vocabulary.piece(token);
    }

    public final Vocabulary vocabulary() {
        return vocabulary;
    }
}

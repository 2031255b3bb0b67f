package org.tdpipe.model.format;

import java.util.Arrays;
import java.util.List;
import org.tdpipe.model.tokenizer.ByteLevelBpeTokenizer;
import org.tdpipe.model.tokenizer.PreTokenizer;
import org.tdpipe.model.tokenizer.SentencePieceBpeTokenizer;
import org.tdpipe.model.tokenizer.SpecialTokens;
import org.tdpipe.model.tokenizer.TokenType;
import org.tdpipe.model.tokenizer.Tokenizer;
import org.tdpipe.model.tokenizer.Vocabulary;

/** Builds the tokenizer described by a GGUF file's {@code tokenizer.ggml.*} metadata. */
public final class GgufTokenizers {
    private GgufTokenizers() {
    }

    public static Tokenizer fromMetadata(GgufMetadata md, String location) {
        String model = md.string("tokenizer.ggml.model").orElseThrow(() -> md.missing("tokenizer.ggml.model"));
        String[] tokens = md.strings("tokenizer.ggml.tokens").orElseThrow(() -> md.missing("tokenizer.ggml.tokens"));
        float[] scores = md.numbers("tokenizer.ggml.scores").map(GgufTokenizers::toFloats).orElse(null);
        TokenType[] types = md.integers("tokenizer.ggml.token_type").map(GgufTokenizers::toTypes).orElse(null);
        Vocabulary vocabulary;
        try {
            vocabulary = new Vocabulary(tokens, scores, types);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(location, "inconsistent tokenizer metadata: " + e.getMessage(), e);
        }
        return switch (model) {
            case "llama" -> new SentencePieceBpeTokenizer(vocabulary, special(md, location, tokens.length, 1, 2, 0, true),
                    md.bool("tokenizer.ggml.add_space_prefix").orElse(true));
            case "gpt2" -> byteLevel(md, location, vocabulary);
            default -> throw new ModelFormatException(location, "unsupported tokenizer model '" + model
                    + "'; supported: llama (SentencePiece BPE), gpt2 (byte-level BPE)");
        };
    }

    private static Tokenizer byteLevel(GgufMetadata md, String location, Vocabulary vocabulary) {
        String[] merges = md.strings("tokenizer.ggml.merges").orElseThrow(() -> md.missing("tokenizer.ggml.merges"));
        String pre = md.string("tokenizer.ggml.pre").orElse("default");
        try {
            return new ByteLevelBpeTokenizer(vocabulary, List.of(merges), PreTokenizer.forGgufName(pre),
                    special(md, location, vocabulary.size(), -1, -1, -1, false),
                    pre.equals("llama-bpe") || pre.equals("llama3"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(location, e.getMessage(), e);
        }
    }

    private static SpecialTokens special(GgufMetadata md, String location, int vocabSize, int bos, int eos, int unk,
            boolean addBos) {
        return new SpecialTokens(
                tokenId(md, location, "tokenizer.ggml.bos_token_id", vocabSize, bos),
                tokenId(md, location, "tokenizer.ggml.eos_token_id", vocabSize, eos),
                tokenId(md, location, "tokenizer.ggml.unknown_token_id", vocabSize, unk),
                md.bool("tokenizer.ggml.add_bos_token").orElse(addBos));
    }

    private static int tokenId(GgufMetadata md, String location, String key, int vocabSize, int fallback) {
        int id = md.int32(key).orElse(fallback < vocabSize ? fallback : -1);
        if (id >= vocabSize) {
            throw new ModelFormatException(location, key + " = " + id + " is outside the vocabulary of " + vocabSize);
        }
        return id;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static TokenType[] toTypes(long[] ids) {
        return Arrays.stream(ids).mapToObj(id -> TokenType.byId((int) id)).toArray(TokenType[]::new);
    }
}

package org.tdpipe.model.format;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.tdpipe.model.tokenizer.SentencePieceBpeTokenizer;
import org.tdpipe.model.tokenizer.SpecialTokens;
import org.tdpipe.model.tokenizer.TokenType;
import org.tdpipe.model.tokenizer.Vocabulary;

/**
 * Reads a llama2.c tokenizer file ({@code tokenizer.bin}, {@code tok512.bin}): int32 max token length, then
 * per token a float score, an int32 byte length and the UTF-8 bytes. The file carries no token types or
 * special ids; they follow the Llama 2 SentencePiece conventions (0 unk, 1 BOS, 2 EOS, {@code <0xNN>}
 * byte tokens). llama2.c stores spaces as ' ' where SentencePiece uses '▁'; they are mapped back.
 */
public final class Llama2cTokenizerReader {
    private static final int UNK = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;

    private Llama2cTokenizerReader() {
    }

    public static SentencePieceBpeTokenizer read(Path path, int vocabSize) {
        try (Arena arena = Arena.ofConfined()) {
            ByteCursor in = new ByteCursor(MappedFiles.map(path, arena), path.toString());
            in.i32("max token length");
            in.boundedCount(vocabSize, 8, "token count"); // each token takes at least a score and a length
            String[] pieces = new String[vocabSize];
            float[] scores = new float[vocabSize];
            TokenType[] types = new TokenType[vocabSize];
            for (int id = 0; id < vocabSize; id++) {
                scores[id] = in.f32("score of token " + id);
                int length = in.boundedCount(in.i32("length of token " + id), 1, "length of token " + id);
                String text = in.utf8(length, "token " + id);
                types[id] = typeOf(id, text);
                pieces[id] = types[id] == TokenType.CONTROL ? text.strip() : text.replace(' ', '\u2581');
            }
            return new SentencePieceBpeTokenizer(new Vocabulary(pieces, scores, types),
                    new SpecialTokens(BOS, EOS, UNK, true), true);
        }
    }

    private static TokenType typeOf(int id, String text) {
        if (id == UNK) {
            return TokenType.UNKNOWN;
        }
        if (id == BOS || id == EOS) {
            return TokenType.CONTROL;
        }
        return text.matches("<0x[0-9A-F]{2}>") ? TokenType.BYTE : TokenType.NORMAL;
    }
}

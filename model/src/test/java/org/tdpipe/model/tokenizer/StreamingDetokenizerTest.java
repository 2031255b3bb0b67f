package org.tdpipe.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.format.GgufFile;
import org.tdpipe.model.format.SharedData;

class StreamingDetokenizerTest {
    /** A vocabulary with byte-fallback tokens only (plus unk/BOS/EOS): every character arrives byte by byte. */
    private static Tokenizer bytesOnly() {
        String[] pieces = new String[259];
        TokenType[] types = new TokenType[259];
        pieces[0] = "<unk>";
        pieces[1] = "<s>";
        pieces[2] = "</s>";
        types[0] = TokenType.UNKNOWN;
        types[1] = TokenType.CONTROL;
        types[2] = TokenType.CONTROL;
        for (int b = 0; b < 256; b++) {
            pieces[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = TokenType.BYTE;
        }
        return new SentencePieceBpeTokenizer(new Vocabulary(pieces, null, types), new SpecialTokens(1, 2, 0, true), false);
    }

    @Test
    void holdsBackIncompleteCharacters() {
        Tokenizer tokenizer = bytesOnly();
        int[] tokens = tokenizer.encode("a€😀", true);
        assertArrayEquals(new int[] {1, 3 + 'a', 3 + 0xE2, 3 + 0x82, 3 + 0xAC, 3 + 0xF0, 3 + 0x9F, 3 + 0x98, 3 + 0x80}, tokens);
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer);
        List<String> pieces = new ArrayList<>();
        for (int token : tokens) {
            pieces.add(detokenizer.accept(token));
        }
        assertEquals(List.of("", "a", "", "", "€", "", "", "", "😀"), pieces);
        assertEquals("", detokenizer.flush());
    }

    @Test
    void flushReplacesAnUnfinishedCharacter() {
        Tokenizer tokenizer = bytesOnly();
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer);
        assertEquals("", detokenizer.accept(3 + 0xF0));
        assertEquals("", detokenizer.accept(3 + 0x9F));
        assertEquals("\uFFFD", detokenizer.flush());
        assertEquals("x", detokenizer.accept(3 + 'x'));
    }

    @Test
    void invalidBytesAreReplacedNotHeld() {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(bytesOnly());
        assertEquals("\uFFFD", detokenizer.accept(3 + 0x80)); // a lone continuation byte can never complete
        assertEquals("y", detokenizer.accept(3 + 'y'));
    }

    @Test
    void streamsPhi3TextLikeWholeDecoding() {
        try (GgufFile file = GgufFile.open(SharedData.require("tokenizers/ggml-vocab-phi-3.gguf"))) {
            Tokenizer tokenizer = file.tokenizer();
            String text = " this is 🦙.cpp — Cửa Việt 我想在apple工作";
            int[] tokens = tokenizer.encode(text, true);
            StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer);
            StringBuilder streamed = new StringBuilder();
            for (int token : tokens) {
                String piece = detokenizer.accept(token);
                assertEquals(-1, piece.indexOf('\uFFFD'), "no broken character is emitted");
                streamed.append(piece);
            }
            streamed.append(detokenizer.flush());
            assertEquals(text, streamed.toString());
            assertEquals(text, tokenizer.decode(tokens));
        }
    }

    @Test
    void controlTokensAreWrittenWhenNotSkippedSpacedAsAsked() {
        Tokenizer tokenizer = bytesOnly();
        int[] tokens = {1, 3 + 'h', 3 + 'i', 2, 2, 3 + 'x'};
        assertEquals("hix", decode(tokenizer, DecodeOptions.DEFAULT, tokens));
        assertEquals("<s>hi</s></s>x", decode(tokenizer, new DecodeOptions(false, false), tokens));
        assertEquals("<s> hi </s> </s> x", decode(tokenizer, new DecodeOptions(false, true), tokens));
    }

    @Test
    void aCharacterTheLastPromptTokenBeganIsFinishedByTheOutput() {
        Tokenizer tokenizer = bytesOnly();
        StreamingDetokenizer detokenizer = StreamingDetokenizer.continuing(tokenizer, DecodeOptions.DEFAULT,
                new int[] {1, 3 + 'a', 3 + 0xC3});
        assertEquals("é", detokenizer.accept(3 + 0xA9), "the prompt's lead byte and the output's continuation byte");
    }

    @Test
    void aContinuingDetokenizerStartsAfterThePrompt() {
        Tokenizer tokenizer = bytesOnly();
        StreamingDetokenizer detokenizer = StreamingDetokenizer.continuing(tokenizer, new DecodeOptions(false, true),
                new int[] {1, 3 + 'a'});
        assertEquals("</s>", detokenizer.accept(2), "nothing was written yet, so no space before it");
        assertEquals(" b", detokenizer.accept(3 + 'b'));
    }

    private static String decode(Tokenizer tokenizer, DecodeOptions options, int[] tokens) {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, options);
        StringBuilder text = new StringBuilder();
        for (int token : tokens) {
            text.append(detokenizer.accept(token));
        }
        return text.append(detokenizer.flush()).toString();
    }
}

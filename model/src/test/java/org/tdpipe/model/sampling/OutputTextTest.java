package org.tdpipe.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.MinTokens;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.dummy.ByteTokenizer;
import org.tdpipe.model.tokenizer.DecodeOptions;

class OutputTextTest {
    private static final int EOS = 2;
    private static final int STOP_ID = 3 + '#';
    private final ByteTokenizer tokenizer = new ByteTokenizer(300);

    private static SamplingParams sampling(List<String> stop, int minTokens, boolean ignoreEos) {
        return new SamplingParams(100, 0, 1, -1, 0, null, 1, 0, 0, ignoreEos, List.of(STOP_ID), stop, 0, Map.of(),
                minTokens == 0 ? MinTokens.NONE : new MinTokens(minTokens, Set.of(EOS, STOP_ID)), Optional.empty(), -1);
    }

    private OutputText text(SamplingParams sampling, OutputTextOptions options) {
        return new OutputText(tokenizer, new int[] {1}, sampling, options);
    }

    /** Feeds the bytes of {@code s} as tokens until the text stops; then finishes it. */
    private static OutputText feed(OutputText text, String s, int... extra) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean more = true;
        for (int i = 0; i < bytes.length && more; i++) {
            more = text.accept(3 + (bytes[i] & 0xFF));
        }
        for (int i = 0; i < extra.length && more; i++) {
            more = text.accept(extra[i]);
        }
        text.finish();
        return text;
    }

    @Test
    void theOutputIsCutBeforeTheStopStringOrAfterItWhenIncluded() {
        OutputText cut = feed(text(sampling(List.of("END"), 0, false), OutputTextOptions.DEFAULT), "one END two");
        assertTrue(cut.stopped());
        assertEquals("one ", cut.text());
        OutputTextOptions include = new OutputTextOptions(DecodeOptions.DEFAULT, true);
        OutputText kept = feed(text(sampling(List.of("END"), 0, false), include), "one END two");
        assertEquals("one END", kept.text());
    }

    @Test
    void stopStringsAreNotLookedForBeforeMinTokens() {
        OutputText text = feed(text(sampling(List.of("ab"), 4, false), OutputTextOptions.DEFAULT), "abcab!");
        assertEquals("abc", text.text(), "the first 'ab' is within the 4 minimum tokens, the second ends the output");
    }

    @Test
    void theTokenThatEndsTheRequestAddsTextOnlyWhenIncluded() {
        assertEquals("hi", feed(text(sampling(List.of(), 0, false), OutputTextOptions.DEFAULT), "hi", STOP_ID).text());
        OutputTextOptions include = new OutputTextOptions(DecodeOptions.DEFAULT, true);
        assertEquals("hi#", feed(text(sampling(List.of(), 0, false), include), "hi", STOP_ID).text());
        OutputTextOptions writeSpecial = new OutputTextOptions(new DecodeOptions(false, false), true);
        assertEquals("hi</s>", feed(text(sampling(List.of(), 0, false), writeSpecial), "hi", EOS).text());
        assertEquals("hi", feed(text(sampling(List.of(), 0, false), new OutputTextOptions(new DecodeOptions(false, false),
                false)), "hi", EOS).text(), "EOS ended the request: its text is the stop string's");
    }

    @Test
    void withIgnoreEosEosIsOrdinaryOutput() {
        OutputTextOptions writeSpecial = new OutputTextOptions(new DecodeOptions(false, true), false);
        assertEquals("hi </s> ho", feed(text(sampling(List.of(), 0, true), writeSpecial), "hi", EOS, 3 + 'h', 3 + 'o').text());
        assertEquals("hiho", feed(text(sampling(List.of(), 0, true), OutputTextOptions.DEFAULT), "hi", EOS, 3 + 'h', 3 + 'o')
                .text());
    }

    @Test
    void holdBackIsTheLongestStopLessOne() {
        assertEquals(0, text(sampling(List.of(), 0, false), OutputTextOptions.DEFAULT).holdBack());
        assertEquals(4, text(sampling(List.of("ab", "STOP!"), 0, false), OutputTextOptions.DEFAULT).holdBack());
        assertFalse(text(sampling(List.of("ab"), 0, false), OutputTextOptions.DEFAULT).stopped());
    }
}

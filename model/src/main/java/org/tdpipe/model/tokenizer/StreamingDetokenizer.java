package org.tdpipe.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns token ids fed one at a time into text, emitting only complete UTF-8 characters: a character
 * split over several byte tokens is held back until its last byte arrives. {@link #flush()} releases
 * what is left (an unfinished character becomes U+FFFD). When the tokenizer
 * {@link Tokenizer#addsSpacePrefix() adds a space prefix}, the leading space of the first text after the
 * start or after a BOS token is dropped, as SentencePiece does. Control tokens decode to nothing
 * unless {@link DecodeOptions} says to write them.
 */
public final class StreamingDetokenizer {
    private final Tokenizer tokenizer;
    private final DecodeOptions options;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean atTextStart = true;
    /** Whether any text was returned yet (a written control token then needs a space before it). */
    private boolean emitted;
    /** Whether the next text follows a written control token and gets a space first. */
    private boolean afterControl;

    public StreamingDetokenizer(Tokenizer tokenizer) {
        this(tokenizer, DecodeOptions.DEFAULT);
    }

    public StreamingDetokenizer(Tokenizer tokenizer, DecodeOptions options) {
        this.tokenizer = tokenizer;
        this.options = options;
    }

    /**
     * A detokenizer for the text generated after {@code prompt}: in the state the prompt left (e.g. no
     * SentencePiece space to drop, the bytes of a character the prompt's last token began), with
     * nothing counted as returned yet.
     */
    public static StreamingDetokenizer continuing(Tokenizer tokenizer, DecodeOptions options, int[] prompt) {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, options);
        for (int token : prompt) {
            detokenizer.accept(token);
        }
        detokenizer.emitted = false;
        detokenizer.afterControl = false;
        return detokenizer;
    }

    /** Decodes a whole sequence at once. */
    public static String decodeAll(Tokenizer tokenizer, int[] tokens) {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer);
        StringBuilder text = new StringBuilder();
        for (int token : tokens) {
            text.append(detokenizer.accept(token));
        }
        return text.append(detokenizer.flush()).toString();
    }

    /** Feeds one token; returns the text that became complete (possibly empty). */
    public String accept(int token) {
        if (token == tokenizer.bosId()) {
            atTextStart = true;
        }
        if (!options.skipSpecialTokens() && tokenizer.isControl(token)) {
            return writeControl(token);
        }
        byte[] bytes = tokenizer.tokenBytes(token);
        if (bytes.length == 0) {
            return "";
        }
        int from = 0;
        if (atTextStart && tokenizer.addsSpacePrefix() && bytes[0] == ' ') {
            from = 1;
        }
        atTextStart = false;
        pending.write(bytes, from, bytes.length - from);
        byte[] buffered = pending.toByteArray();
        int complete = completePrefix(buffered);
        pending.reset();
        pending.write(buffered, complete, buffered.length - complete);
        return text(new String(buffered, 0, complete, StandardCharsets.UTF_8));
    }

    /** Releases the held-back bytes, replacing an unfinished character. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return text(rest);
    }

    /** The held-back text, then the control token as the vocabulary writes it (spaced as the options say). */
    private String writeControl(int token) {
        String before = flush();
        String space = options.spacesBetweenSpecialTokens() && emitted ? " " : "";
        emitted = true;
        afterControl = options.spacesBetweenSpecialTokens();
        return before + space + tokenizer.piece(token);
    }

    private String text(String decoded) {
        if (decoded.isEmpty()) {
            return decoded;
        }
        String out = afterControl ? " " + decoded : decoded;
        afterControl = false;
        emitted = true;
        return out;
    }

    /** Length of the longest prefix that does not end inside a (so far valid) multi-byte character. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
            int lead = b[i] & 0xFF;
            if ((lead & 0xC0) == 0x80) {
                continue; // continuation byte: the character starts further left
            }
            int expected = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 1;
            return n - i < expected ? i : n;
        }
        return n;
    }
}

package org.tdpipe.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, by a sequence of regular expressions applied as llama.cpp
 * does: each expression splits every current piece into its matches and the gaps between them (gaps
 * are kept as pieces of their own), then the next expression refines the result.
 */
public final class PreTokenizer {
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String FALCON_PUNCTUATION = "[\\p{P}\\$\\+<=>\\^~\\|`]+";
    private static final String DIGIT = "\\p{N}";
    private static final String THREE_DIGITS = "[0-9][0-9][0-9]";
    /** The GGUF {@code tokenizer.ggml.pre} names understood by {@link #forGgufName}. */
    public static final List<String> SUPPORTED_NAMES = List.of(
            "default", "gpt-2", "mpt", "olmo", "llama-bpe", "llama3", "qwen2", "falcon", "starcoder", "refact");

    private final List<Pattern> patterns;

    /** Patterns in Java syntax; {@code \s} and friends match Unicode white space, as in llama.cpp. */
    public PreTokenizer(List<String> regexes) {
        this.patterns = regexes.stream().map(r -> Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS)).toList();
    }

    /** The pre-tokenizer llama.cpp uses for a GGUF {@code tokenizer.ggml.pre} value. */
    public static PreTokenizer forGgufName(String name) {
        List<String> regexes = switch (name.toLowerCase(Locale.ROOT)) {
            case "default", "gpt-2", "mpt", "olmo" -> List.of(GPT2);
            case "llama-bpe", "llama3" -> List.of(LLAMA3);
            case "qwen2" -> List.of(QWEN2);
            case "falcon" -> List.of(FALCON_PUNCTUATION, GPT2, THREE_DIGITS);
            case "starcoder", "refact" -> List.of(DIGIT, GPT2);
            default -> throw new IllegalArgumentException("unsupported pre-tokenizer '" + name + "'; supported: "
                    + String.join(", ", SUPPORTED_NAMES));
        };
        return new PreTokenizer(regexes);
    }

    /** The GPT-2 pattern (Hugging Face {@code ByteLevel} pre-tokenizer with {@code use_regex}). */
    public static String gpt2Regex() {
        return GPT2;
    }

    public List<String> split(String text) {
        List<String> pieces = List.of(text);
        for (Pattern pattern : patterns) {
            List<String> refined = new ArrayList<>();
            for (String piece : pieces) {
                splitOne(pattern, piece, refined);
            }
            pieces = refined;
        }
        return pieces;
    }

    private static void splitOne(Pattern pattern, String piece, List<String> out) {
        Matcher m = pattern.matcher(piece);
        int last = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > last) {
                out.add(piece.substring(last, m.start()));
            }
            out.add(m.group());
            last = m.end();
        }
        if (last < piece.length()) {
            out.add(piece.substring(last));
        }
    }
}

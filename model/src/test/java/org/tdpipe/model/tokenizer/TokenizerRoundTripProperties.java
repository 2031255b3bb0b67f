package org.tdpipe.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.tdpipe.model.format.GgufFile;
import org.tdpipe.model.format.GgufTokenizers;
import org.tdpipe.model.format.SkipWithoutSharedData;

/** Any text decodes back to itself, whole or streamed token by token. */
@AddLifecycleHook(SkipWithoutSharedData.class)
class TokenizerRoundTripProperties {
    private static final Map<String, Tokenizer> CACHE = new HashMap<>();

    private static Tokenizer vocab(String name) {
        String root = System.getProperty("tdpipe.shared.data");
        Path path = root == null ? null : Path.of(root, "tokenizers/ggml-vocab-" + name + ".gguf");
        if (path == null || !Files.exists(path)) {
            return null;
        }
        return CACHE.computeIfAbsent(name, n -> {
            try (GgufFile file = GgufFile.open(path)) {
                return GgufTokenizers.fromMetadata(file.metadata(), path.toString());
            }
        });
    }

    @Property(tries = 150)
    void roundTrips(@ForAll @StringLength(max = 40) @CharRange(from = ' ', to = '~') @CharRange(from = '\u00a0', to = '\u07ff')
            @CharRange(from = '\u4e00', to = '\u4fff') @Chars({'\n', '\t', '\u200d'}) String plain,
            @ForAll @IntRange(min = 0, max = 40) int emojiAt) {
        // a character outside the BMP, which takes four UTF-8 bytes and two Java chars
        String text = plain.substring(0, Math.min(emojiAt, plain.length())) + "😀" + plain.substring(Math.min(emojiAt, plain.length()));
        for (String name : new String[] {"phi-3", "gpt-2", "falcon"}) {
            Tokenizer tokenizer = vocab(name);
            int[] tokens = tokenizer.encode(text, true);
            assertEquals(text, tokenizer.decode(tokens), name);
            StreamingDetokenizer stream = new StreamingDetokenizer(tokenizer);
            StringBuilder streamed = new StringBuilder();
            for (int token : tokens) {
                streamed.append(stream.accept(token));
            }
            assertEquals(text, streamed.append(stream.flush()).toString(), name);
        }
    }
}

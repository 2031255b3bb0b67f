package org.tdpipe.model.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.tdpipe.core.request.OutputGrammar;
import org.tdpipe.model.dummy.ByteTokenizer;
import org.tdpipe.model.format.GgufFile;
import org.tdpipe.model.step.TokenMask;
import org.tdpipe.model.structured.GrammarCompiler;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Structured output's cost per sampled token: the token mask of one state over a 32k vocabulary
 * (the trie walk, the mask's words, masking the logits), for the byte vocabulary of
 * {@code dummy:llama-110m} and the SentencePiece vocabulary of Phi-3 (32,064 tokens, from the shared
 * data folder), inside a string, between properties and inside a number. Ops/s: masks per second.
 */
public class GrammarMaskBenchmark extends KernelBenchmark {
    private static final String SCHEMA = """
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 200}, "age": {"type": "integer"},
             "happy": {"type": "boolean"}}, "required": ["name"]}""";

    @Param({"dummy-llama-110m", "phi-3"})
    public String vocabulary;

    @Param({"string", "between-properties", "number"})
    public String state;

    private OutputGrammar.Cursor cursor;
    private float[] logits;
    private int vocab;

    @Setup
    public void setUp() throws IOException {
        Tokenizer tokenizer = vocabulary.equals("phi-3") ? phi3() : new ByteTokenizer(32000);
        vocab = tokenizer.vocabSize();
        logits = new float[vocab];
        cursor = new GrammarCompiler(tokenizer).jsonSchema(new ObjectMapper().readTree(SCHEMA)).start();
        String prefix = switch (state) {
            case "string" -> "{\"name\":\"Once upon a";
            case "between-properties" -> "{\"name\":\"Tom\",";
            default -> "{\"name\":\"Tom\",\"age\":12";
        };
        for (byte b : prefix.getBytes(StandardCharsets.UTF_8)) {
            cursor.accept(byteToken(tokenizer, b & 0xFF));
        }
    }

    /** A token spelling exactly {@code b}. */
    private static int byteToken(Tokenizer tokenizer, int b) {
        for (int t = 0; t < tokenizer.vocabSize(); t++) {
            byte[] bytes = tokenizer.tokenBytes(t);
            if (bytes.length == 1 && (bytes[0] & 0xFF) == b) {
                return t;
            }
        }
        throw new IllegalStateException("no token for byte " + b);
    }

    private static Tokenizer phi3() throws IOException {
        Path file = Path.of(System.getProperty("tdpipe.shared.data", "../shared/data"), "tokenizers", "ggml-vocab-phi-3.gguf");
        try (GgufFile gguf = GgufFile.open(file)) {
            return gguf.tokenizer();
        }
    }

    @Benchmark
    public float mask() {
        TokenMask mask = TokenMask.of(cursor.allowed());
        mask.apply(logits, vocab);
        return logits[0];
    }
}

package org.tdpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.GgufFile;
import org.tdpipe.model.format.GgufTokenizers;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdpipe tokenize}: prints the token ids of a text as a JSON array. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Prints the token ids of --text as a JSON array (vocabulary-only GGUF files work too).")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A .gguf file (a vocabulary-only one is enough), a llama2.c .bin, or dummy:<name>.")
    String model;

    @Option(names = "--text", required = true)
    String text;

    @Option(names = "--add-bos", description = "Start with the BOS token.")
    boolean addBos;

    @Override
    public Integer call() {
        int[] ids = encode();
        System.out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")));
        return 0;
    }

    private int[] encode() {
        if (!model.startsWith(DummyModelSource.PREFIX) && model.endsWith(".gguf") && Files.isRegularFile(Path.of(model))) {
            try (GgufFile file = GgufFile.open(Path.of(model))) {
                return GgufTokenizers.fromMetadata(file.metadata(), model).encode(text, addBos);
            }
        }
        try (ModelSource source = ModelSources.open(model)) {
            Tokenizer tokenizer = source.tokenizer();
            return tokenizer.encode(text, addBos);
        }
    }
}

package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.PromptLogits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe logits}: the model's logits at every position of a token sequence, for parity checks. */
@Command(name = "logits", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the model's logits at every position of --token-ids, fed as one prompt (no BOS is added: give it),",
            "as llama.cpp computes them with all logits requested: each position's --top ids by logit, and with --json a file",
            "{\"model\", \"prompt_ids\", \"positions\": [{\"pos\", \"top\": [[id, logit], ...], \"logits\": [...]}]}."})
final class LogitsCommand implements Callable<Integer> {
    /** Vocabularies larger than this leave out the whole rows unless --full asks for them. */
    static final int FULL_ROWS_UP_TO = 4096;

    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name>.")
    String model;

    @Option(names = "--token-ids", required = true, split = ",", paramLabel = "ID,ID,...",
            description = "The token ids to evaluate, in order (tokenize prints them).")
    int[] tokenIds;

    @Option(names = "--top", defaultValue = "10", description = "Highest logits listed per position (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Write every position's top ids and its logit row to this file.")
    Path json;

    @Option(names = "--full", description = "Write the logit rows to --json even for a vocabulary over " + FULL_ROWS_UP_TO + " ids.")
    boolean full;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws IOException {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be >= 1, got " + top);
        }
        pipeline.requireUnsplit("logits");
        if (pipeline.executor != PipelineOptions.ExecutorKind.local) {
            throw new IllegalArgumentException("tdpipe logits runs its stages in this process: --executor must be local");
        }
        try (ModelSource source = ModelSources.open(model)) {
            float[][] logits = PromptLogits.compute(source, pipeline.ranges(source), pipeline.stageThreads(), tokenIds);
            PrintStream out = System.out;
            List<Map<String, Object>> positions = new ArrayList<>();
            boolean rows = full || source.config().vocabSize() <= FULL_ROWS_UP_TO;
            for (int pos = 0; pos < logits.length; pos++) {
                int[] best = topIds(logits[pos], top);
                float[] row = logits[pos];
                out.println("pos " + pos + " (id " + tokenIds[pos] + "): "
                        + Arrays.stream(best).mapToObj(id -> id + " " + row[id]).collect(Collectors.joining(", ")));
                Map<String, Object> position = new LinkedHashMap<>();
                position.put("pos", pos);
                position.put("top", Arrays.stream(best).mapToObj(id -> List.of(id, row[id])).toList());
                if (rows) {
                    position.put("logits", row);
                }
                positions.add(position);
            }
            if (json != null) {
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("model", source.location());
                file.put("prompt_ids", tokenIds);
                file.put("positions", positions);
                new ObjectMapper().writeValue(json.toFile(), file);
                out.println("Wrote " + json);
            }
        }
        return 0;
    }

    /** The {@code n} ids of highest logit, highest first; equal logits in id order. */
    static int[] topIds(float[] logits, int n) {
        return IntStream.range(0, logits.length).boxed()
                .sorted((a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b))
                .limit(n).mapToInt(Integer::intValue).toArray();
    }
}

package org.tdpipe.model.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A Hugging Face model folder: {@code config.json}, one or more memory-mapped {@code *.safetensors} files
 * (listed by {@code model.safetensors.index.json} when present), {@code tokenizer.json} and
 * {@code tokenizer_config.json}. Tensors are zero-copy and renamed to canonical names; the Q/K weights
 * keep the Hugging Face half-split RoPE layout, which {@link ModelConfig#ropeHalfSplit()} reports.
 */
public final class HuggingFaceModelSource extends MappedModelSource {
    private static final String INDEX = "model.safetensors.index.json";

    private final Optional<String> chatTemplate;

    private HuggingFaceModelSource(Path folder, ModelConfig config, HfTokenizerReader.HfTokenizer tokenizer,
            Map<String, TensorEntry> tensors, Arena arena) {
        super(folder.toString(), config, tokenizer.tokenizer(), tensors, arena);
        this.chatTemplate = tokenizer.chatTemplate();
    }

    public static HuggingFaceModelSource open(Path folder) {
        ObjectMapper json = new ObjectMapper();
        JsonNode configJson = JsonFiles.readObject(folder.resolve("config.json"), json);
        Arena arena = Arena.ofShared();
        try {
            Map<String, TensorEntry> tensors = new LinkedHashMap<>();
            for (Path file : weightFiles(folder, json)) {
                for (TensorEntry t : SafetensorsFile.read(file, arena, json).values()) {
                    Optional<String> name = HfTensorNames.canonical(t.name());
                    if (name.isPresent() && tensors.put(name.get(), new TensorEntry(name.get(), t.type(), t.shape(), t.data())) != null) {
                        throw new ModelFormatException(file.toString(), "tensor " + t.name() + " appears twice");
                    }
                }
            }
            String location = folder.toString();
            ModelConfig config = HfModelConfigs.read(configJson, folder.resolve("config.json").toString(),
                    tensors.containsKey("output.weight"));
            CanonicalTensors.check(config, name -> Optional.ofNullable(tensors.get(name)), location);
            return new HuggingFaceModelSource(folder, config, HfTokenizerReader.read(folder, configJson, json), tensors, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static List<Path> weightFiles(Path folder, ObjectMapper json) {
        Path index = folder.resolve(INDEX);
        if (Files.exists(index)) {
            JsonNode weightMap = JsonFiles.readObject(index, json).path("weight_map");
            TreeSet<String> names = new TreeSet<>();
            weightMap.forEach(file -> names.add(file.asText()));
            if (names.isEmpty()) {
                throw new ModelFormatException(index.toString(), "weight_map lists no files");
            }
            Path root = folder.toAbsolutePath().normalize();
            return names.stream().map(name -> {
                Path file = root.resolve(name).normalize();
                if (!file.startsWith(root)) {
                    throw new ModelFormatException(index.toString(), "weight file " + name + " lies outside the folder");
                }
                return file;
            }).toList();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            if (found.isEmpty()) {
                throw new ModelFormatException(folder.toString(), "no *.safetensors files");
            }
            return found;
        } catch (IOException e) {
            throw new ModelFormatException(folder.toString(), "cannot list: " + e.getMessage(), e);
        }
    }

    /** The Jinja chat template of {@code tokenizer_config.json}, if any (not applied here). */
    @Override
    public Optional<String> chatTemplate() {
        return chatTemplate;
    }
}

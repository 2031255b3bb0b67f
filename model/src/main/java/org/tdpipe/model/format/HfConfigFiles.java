package org.tdpipe.model.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;

/** Reads the {@link ModelConfig} of a lone Hugging Face {@code config.json} (e.g. for dummy weights of that shape). */
public final class HfConfigFiles {
    private HfConfigFiles() {
    }

    public static ModelConfig read(Path configJson) {
        JsonNode config = JsonFiles.readObject(configJson, new ObjectMapper());
        boolean tied = config.path("tie_word_embeddings").asBoolean(false);
        return HfModelConfigs.read(config, configJson.toString(), !tied);
    }
}

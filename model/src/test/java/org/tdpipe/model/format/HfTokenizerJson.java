package org.tdpipe.model.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: writes {@code tokenizer.json} + {@code tokenizer_config.json} for a GGUF vocabulary the way
 * Hugging Face's converters do (SentencePiece vocabularies become merge rules ordered by piece score).
 */
final class HfTokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONTROL = 3;

    private HfTokenizerJson() {
    }

    static void writeSentencePiece(GgufMetadata md, Path dir) throws IOException {
        String[] tokens = md.strings("tokenizer.ggml.tokens").orElseThrow();
        double[] scores = md.numbers("tokenizer.ggml.scores").orElseThrow();
        long[] types = md.integers("tokenizer.ggml.token_type").orElseThrow();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            ids.put(tokens[i], i);
        }
        List<int[]> merges = new ArrayList<>(); // {left id, right id, merged id}
        for (int id = 0; id < tokens.length; id++) {
            String piece = tokens[id];
            if (types[id] != 1) {
                continue;
            }
            for (int cut = 1; cut < piece.length(); cut++) {
                if (Character.isLowSurrogate(piece.charAt(cut))) {
                    continue;
                }
                Integer left = ids.get(piece.substring(0, cut));
                Integer right = ids.get(piece.substring(cut));
                if (left != null && right != null) {
                    merges.add(new int[] {left, right, id});
                }
            }
        }
        merges.sort(Comparator.<int[]>comparingDouble(m -> -scores[m[2]]).thenComparingInt(m -> m[0]).thenComparingInt(m -> m[1]));
        ObjectNode root = JSON.createObjectNode();
        ArrayNode normalizers = root.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", "\u2581");
        normalizers.addObject().put("type", "Replace").put("content", "\u2581").putObject("pattern").put("String", " ");
        root.putNull("pre_tokenizer");
        ObjectNode model = root.putObject("model").put("type", "BPE").put("byte_fallback", true).put("unk_token", tokens[0]);
        writeVocab(root, model, tokens, types, merges.stream().map(m -> tokens[m[0]] + " " + tokens[m[1]]).toList());
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        ObjectNode config = JSON.createObjectNode().put("bos_token", tokens[1]).put("eos_token", tokens[2])
                .put("add_bos_token", true).put("chat_template", "{{ messages }}");
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
    }

    static void writeByteLevel(GgufMetadata md, Path dir) throws IOException {
        String[] tokens = md.strings("tokenizer.ggml.tokens").orElseThrow();
        long[] types = md.integers("tokenizer.ggml.token_type").orElseThrow();
        ObjectNode root = JSON.createObjectNode();
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Sequence").putArray("pretokenizers").addObject()
                .put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").put("byte_fallback", false);
        writeVocab(root, model, tokens, types, List.of(md.strings("tokenizer.ggml.merges").orElseThrow()));
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
    }

    private static void writeVocab(ObjectNode root, ObjectNode model, String[] tokens, long[] types, List<String> merges) {
        ObjectNode vocab = model.putObject("vocab");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < tokens.length; id++) {
            if (types[id] == CONTROL) {
                added.addObject().put("id", id).put("content", tokens[id]).put("special", true);
            } else {
                vocab.put(tokens[id], id);
            }
        }
        ArrayNode mergeArray = model.putArray("merges");
        merges.forEach(mergeArray::add);
    }
}

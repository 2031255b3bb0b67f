package org.tdpipe.model.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tdpipe.model.tokenizer.ByteLevelBpeTokenizer;
import org.tdpipe.model.tokenizer.PreTokenizer;
import org.tdpipe.model.tokenizer.SentencePieceBpeTokenizer;
import org.tdpipe.model.tokenizer.SpecialTokens;
import org.tdpipe.model.tokenizer.TokenType;
import org.tdpipe.model.tokenizer.Tokenizer;
import org.tdpipe.model.tokenizer.Vocabulary;

/**
 * Reads a Hugging Face {@code tokenizer.json} (BPE model) and {@code tokenizer_config.json}. A
 * {@code ByteLevel} pre-tokenizer makes a {@link ByteLevelBpeTokenizer} (Llama 3, Qwen2); otherwise the
 * vocabulary is SentencePiece-style ({@code ▁} spaces, byte fallback: Llama 2, Mistral) and becomes a
 * {@link SentencePieceBpeTokenizer} whose piece scores follow the merge ranks.
 */
final class HfTokenizerReader {
    /** The tokenizer and the chat template of {@code tokenizer_config.json} (kept for chat formatting). */
    record HfTokenizer(Tokenizer tokenizer, Optional<String> chatTemplate) {
    }

    private HfTokenizerReader() {
    }

    static HfTokenizer read(Path folder, JsonNode modelConfig, ObjectMapper json) {
        Path file = folder.resolve("tokenizer.json");
        String location = file.toString();
        JsonNode root = JsonFiles.readObject(file, json);
        Path configFile = folder.resolve("tokenizer_config.json");
        JsonNode tokConfig = Files.exists(configFile) ? JsonFiles.readObject(configFile, json) : json.createObjectNode();
        JsonNode model = root.path("model");
        if (!model.path("type").asText("BPE").equals("BPE")) {
            throw new ModelFormatException(location, "unsupported tokenizer model '" + model.path("type").asText()
                    + "'; supported: BPE");
        }
        String[] pieces = pieces(model.path("vocab"), root.path("added_tokens"), location);
        List<String[]> merges = merges(model.path("merges"), location);
        TokenType[] types = new TokenType[pieces.length];
        Arrays.fill(types, TokenType.NORMAL);
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        for (int id = 0; id < pieces.length; id++) {
            if (byteFallback && pieces[id].matches("<0x[0-9A-F]{2}>")) {
                types[id] = TokenType.BYTE;
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            types[added.path("id").asInt()] = added.path("special").asBoolean(false) ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        String unk = model.path("unk_token").asText(null);
        int unkId = unk == null ? -1 : Arrays.asList(pieces).indexOf(unk);
        if (unkId >= 0) {
            types[unkId] = TokenType.UNKNOWN;
        }
        boolean byteLevel = mentionsType(root.path("pre_tokenizer"), "ByteLevel");
        int bos = specialId(tokConfig, "bos_token", modelConfig.path("bos_token_id"), pieces);
        int eos = specialId(tokConfig, "eos_token", modelConfig.path("eos_token_id"), pieces);
        boolean addBos = tokConfig.has("add_bos_token") ? tokConfig.path("add_bos_token").asBoolean()
                : bos >= 0 && (!byteLevel || root.path("post_processor").toString().contains('"' + pieces[bos] + '"'));
        SpecialTokens special = new SpecialTokens(bos, eos, unkId, addBos);
        Tokenizer tokenizer;
        try {
            if (byteLevel) {
                List<String> rules = merges.stream().map(m -> m[0] + " " + m[1]).toList();
                tokenizer = new ByteLevelBpeTokenizer(new Vocabulary(pieces, null, types), rules,
                        preTokenizer(root.path("pre_tokenizer"), location), special, model.path("ignore_merges").asBoolean(false));
            } else {
                tokenizer = new SentencePieceBpeTokenizer(new Vocabulary(pieces, mergeScores(pieces, merges), types), special,
                        addsSpacePrefix(root));
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(location, e.getMessage(), e);
        }
        JsonNode template = tokConfig.path("chat_template");
        return new HfTokenizer(tokenizer, template.isTextual() ? Optional.of(template.asText()) : Optional.empty());
    }

    private static String[] pieces(JsonNode vocab, JsonNode addedTokens, String location) {
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new ModelFormatException(location, "model.vocab must be a non-empty object");
        }
        int size = vocab.size() + addedTokens.size();
        String[] pieces = new String[size];
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            place(pieces, e.getValue(), e.getKey(), location);
        }
        for (JsonNode added : addedTokens) {
            place(pieces, added.path("id"), added.path("content").asText(""), location);
        }
        int used = size;
        while (used > 0 && pieces[used - 1] == null) {
            used--;
        }
        for (int id = 0; id < used; id++) {
            if (pieces[id] == null) {
                throw new ModelFormatException(location, "no token has id " + id + " (the ids must be contiguous)");
            }
        }
        return Arrays.copyOf(pieces, used);
    }

    private static void place(String[] pieces, JsonNode idNode, String piece, String location) {
        int id = idNode.canConvertToInt() ? idNode.asInt() : -1;
        if (id < 0 || id >= pieces.length) {
            throw new ModelFormatException(location, "token '" + piece + "' has an id " + idNode + " outside 0.." + (pieces.length - 1));
        }
        pieces[id] = piece;
    }

    private static List<String[]> merges(JsonNode merges, String location) {
        List<String[]> out = new ArrayList<>(merges.size());
        for (JsonNode merge : merges) {
            String[] pair;
            if (merge.isArray() && merge.size() == 2) {
                pair = new String[] {merge.get(0).asText(), merge.get(1).asText()};
            } else {
                String text = merge.asText("");
                int space = text.indexOf(' ', 1);
                pair = space < 0 ? null : new String[] {text.substring(0, space), text.substring(space + 1)};
            }
            if (pair == null) {
                throw new ModelFormatException(location, "merge rule " + out.size() + " " + merge + " is not a pair");
            }
            out.add(pair);
        }
        return out;
    }

    /** SentencePiece scores equivalent to merge ranks: a piece scores minus the rank of its first merge. */
    private static float[] mergeScores(String[] pieces, List<String[]> merges) {
        Vocabulary lookup = new Vocabulary(pieces, null, null);
        float[] scores = new float[pieces.length];
        Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        for (int rank = merges.size() - 1; rank >= 0; rank--) {
            int id = lookup.id(merges.get(rank)[0] + merges.get(rank)[1]);
            if (id >= 0) {
                scores[id] = -rank;
            }
        }
        return scores;
    }

    private static boolean addsSpacePrefix(JsonNode root) {
        String normalizer = root.path("normalizer").toString();
        JsonNode pre = root.path("pre_tokenizer");
        return normalizer.contains("\"Prepend\"") || (mentionsType(pre, "Metaspace")
                && !pre.toString().contains("\"never\"") && !pre.toString().contains("\"add_prefix_space\":false"));
    }

    private static boolean mentionsType(JsonNode node, String type) {
        if (node.path("type").asText("").equals(type)) {
            return true;
        }
        for (JsonNode child : node.path("pretokenizers")) {
            if (mentionsType(child, type)) {
                return true;
            }
        }
        return false;
    }

    private static PreTokenizer preTokenizer(JsonNode node, String location) {
        List<String> regexes = new ArrayList<>();
        collectRegexes(node, regexes, location);
        return new PreTokenizer(regexes);
    }

    private static void collectRegexes(JsonNode node, List<String> regexes, String location) {
        switch (node.path("type").asText("")) {
            case "Sequence" -> node.path("pretokenizers").forEach(child -> collectRegexes(child, regexes, location));
            case "Split" -> {
                String regex = node.path("pattern").path("Regex").asText(null);
                if (regex == null || node.path("invert").asBoolean(false)
                        || !node.path("behavior").asText("Isolated").equals("Isolated")) {
                    throw new ModelFormatException(location, "unsupported Split pre-tokenizer " + node
                            + " (supported: an isolated Regex pattern)");
                }
                regexes.add(regex);
            }
            case "ByteLevel" -> {
                if (node.path("add_prefix_space").asBoolean(false)) {
                    throw new ModelFormatException(location, "ByteLevel pre-tokenizer with add_prefix_space is not supported");
                }
                if (node.path("use_regex").asBoolean(true)) {
                    regexes.add(PreTokenizer.gpt2Regex());
                }
            }
            case "Digits" -> regexes.add(node.path("individual_digits").asBoolean(false) ? "\\p{N}" : "\\p{N}+");
            default -> throw new ModelFormatException(location, "unsupported pre-tokenizer " + node.path("type")
                    + "; supported: Sequence, Split (Regex), ByteLevel, Digits");
        }
    }

    /** A special token id from {@code tokenizer_config.json} (string or {content}), else from config.json. */
    private static int specialId(JsonNode tokConfig, String field, JsonNode configId, String[] pieces) {
        JsonNode token = tokConfig.path(field);
        String text = token.isTextual() ? token.asText() : token.path("content").asText(null);
        if (text != null) {
            return Arrays.asList(pieces).indexOf(text);
        }
        JsonNode id = configId.isArray() ? configId.path(0) : configId;
        return id.canConvertToInt() && id.asInt() >= 0 && id.asInt() < pieces.length ? id.asInt() : -1;
    }
}

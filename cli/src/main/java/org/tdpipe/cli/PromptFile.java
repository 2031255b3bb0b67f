package org.tdpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.tdpipe.core.request.SamplingParams;

/**
 * Reads a JSONL prompt file for {@code generate}: one object per line with {@code prompt} and
 * optionally {@code id} and per-request sampling fields (OpenAI / vLLM names) that override the
 * command line's defaults. Unknown fields are rejected, naming the line.
 */
final class PromptFile {
    /** One prompt to generate from. */
    record Entry(String id, String prompt, SamplingParams sampling) {
    }

    private static final Set<String> FIELDS = Set.of("id", "prompt", "max_tokens", "temperature", "top_p", "top_k",
            "min_p", "seed", "repetition_penalty", "presence_penalty", "frequency_penalty", "ignore_eos",
            "stop_token_ids", "stop", "logprobs");

    private PromptFile() {
    }

    static List<Entry> read(Path file, SamplingParams defaults) {
        int[] index = {0};
        return JsonLines.read(file, "prompts", node -> entry(node, defaults, index[0]++));
    }

    private static Entry entry(JsonNode node, SamplingParams d, int index) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field '" + field + "'; known: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        JsonNode prompt = node.get("prompt");
        if (prompt == null || !prompt.isTextual()) {
            throw new IllegalArgumentException("field prompt (a string) is required");
        }
        String id = node.has("id") ? node.get("id").asText() : String.valueOf(index);
        SamplingParams p = new SamplingParams(
                intField(node, "max_tokens", d.maxTokens()),
                doubleField(node, "temperature", d.temperature()),
                doubleField(node, "top_p", d.topP()),
                intField(node, "top_k", d.topK()),
                doubleField(node, "min_p", d.minP()),
                node.has("seed") && !node.get("seed").isNull() ? Long.valueOf(longField(node, "seed")) : d.seed(),
                doubleField(node, "repetition_penalty", d.repetitionPenalty()),
                doubleField(node, "presence_penalty", d.presencePenalty()),
                doubleField(node, "frequency_penalty", d.frequencyPenalty()),
                node.has("ignore_eos") ? boolField(node, "ignore_eos") : d.ignoreEos(),
                node.has("stop_token_ids") ? intList(node, "stop_token_ids") : d.stopTokenIds(),
                node.has("stop") ? stringList(node, "stop") : d.stop(),
                intField(node, "logprobs", d.logprobs()));
        return new Entry(id, prompt.asText(), p);
    }

    private static JsonNode number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("field " + field + " must be a number, got " + v);
        }
        return v;
    }

    private static int intField(JsonNode node, String field, int fallback) {
        if (!node.has(field)) {
            return fallback;
        }
        JsonNode v = number(node, field);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field " + field + " must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static long longField(JsonNode node, String field) {
        JsonNode v = number(node, field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field " + field + " must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static double doubleField(JsonNode node, String field, double fallback) {
        return node.has(field) ? number(node, field).doubleValue() : fallback;
    }

    private static boolean boolField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field " + field + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static List<Integer> intList(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (!v.isArray()) {
            throw new IllegalArgumentException("field " + field + " must be an array of integers, got " + v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw new IllegalArgumentException("field " + field + " must be an array of integers, got " + v);
            }
            out.add(e.intValue());
        }
        return out;
    }

    private static List<String> stringList(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("field " + field + " must be a string or an array of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("field " + field + " must be a string or an array of strings, got " + v);
            }
            out.add(e.asText());
        }
        return out;
    }
}

package org.tdpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.chat.ChatMessage;

/**
 * Reads a JSONL prompt file for {@code generate}: one object per line with a {@code prompt} string
 * or chat {@code messages} (a list of {@code {"role", "content"}}), optionally an {@code id} (default:
 * the line number), {@code n} (completions of the prompt) and per-request sampling fields (OpenAI /
 * vLLM names) that override the command line's defaults. Unknown fields are refused, naming the line; two lines with one id are an error
 * naming both.
 */
final class PromptFile {
    /** One request to generate, {@code n} completions of its prompt; {@code line} is where it is in the file (1-based). */
    record Entry(String id, int line, PromptInput prompt, SamplingParams sampling, int n) {
        Entry {
            if (n < 1 || n > MAX_N) {
                throw new IllegalArgumentException("field n must be in [1, " + MAX_N + "], got " + n);
            }
        }
    }

    /** The most completions one line may ask for (as the server's limit). */
    static final int MAX_N = 128;

    /** The file's good entries in file order, and its malformed lines. */
    record Contents(List<Entry> entries, List<JsonLines.LineError> malformed) {
    }

    private static final Set<String> FIELDS = Set.of("id", "prompt", "messages", "max_tokens", "temperature", "top_p",
            "top_k", "min_p", "seed", "repetition_penalty", "presence_penalty", "frequency_penalty", "ignore_eos",
            "stop_token_ids", "stop", "logprobs", "n");

    private PromptFile() {
    }

    static Contents read(Path file, SamplingParams defaults) {
        JsonLines.Parsed<Entry> parsed = JsonLines.parse(file, (node, line) -> entry(node, defaults, line));
        List<Entry> entries = parsed.lines().stream().map(JsonLines.Line::value).toList();
        Map<String, Entry> byId = new HashMap<>();
        for (Entry e : entries) {
            Entry first = byId.putIfAbsent(e.id(), e);
            if (first != null) {
                throw new IllegalArgumentException(file + ": lines " + first.line() + " and " + e.line()
                        + " have the same id '" + e.id() + "'");
            }
        }
        if (entries.isEmpty() && parsed.errors().isEmpty()) {
            throw new IllegalArgumentException(file + ": no prompts");
        }
        return new Contents(entries, parsed.errors());
    }

    private static Entry entry(JsonNode node, SamplingParams d, int line) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field '" + field + "'; known: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String id = node.has("id") ? id(node.get("id")) : String.valueOf(line);
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
        return new Entry(id, line, prompt(node), p, intField(node, "n", 1));
    }

    private static String id(JsonNode id) {
        if (!id.isTextual() && !id.isIntegralNumber()) {
            throw new IllegalArgumentException("field id must be a string or an integer, got " + id);
        }
        return id.asText();
    }

    private static PromptInput prompt(JsonNode node) {
        JsonNode prompt = node.get("prompt");
        JsonNode messages = node.get("messages");
        if ((prompt == null) == (messages == null)) {
            throw new IllegalArgumentException("exactly one of the fields prompt (a string) and messages (a list of {role, content}) is required");
        }
        if (prompt != null) {
            if (!prompt.isTextual()) {
                throw new IllegalArgumentException("field prompt must be a string, got " + prompt);
            }
            return new PromptInput.Text(prompt.asText());
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException("field messages must be a non-empty list of {role, content}, got " + messages);
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (!m.isObject() || role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new IllegalArgumentException("messages[" + i + "] must be {\"role\": string, \"content\": string}, got " + m);
            }
            out.add(new ChatMessage(role.asText(), content.asText()));
        }
        return new PromptInput.Chat(out);
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

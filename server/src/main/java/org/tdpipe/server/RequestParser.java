package org.tdpipe.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tdpipe.core.request.InvalidSamplingException;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.chat.ChatMessage;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.chat.ChatTemplateException;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Turns the JSON body of {@code POST /v1/completions} or {@code /v1/chat/completions} into a
 * {@link GenerationRequest}, checking every field (type, range, the model's context) and answering
 * a 400 naming the field that is wrong. Fields of the OpenAI API that tdpipe does not implement are
 * refused rather than silently ignored.
 */
final class RequestParser {
    /** Most choices one request may ask for. */
    static final int MAX_N = 128;
    /** Most top log-probabilities per token. */
    static final int MAX_LOGPROBS = 20;

    private static final Set<String> COMMON = Set.of("model", "max_tokens", "temperature", "top_p", "top_k", "min_p",
            "n", "seed", "stop", "stop_token_ids", "presence_penalty", "frequency_penalty", "repetition_penalty",
            "ignore_eos", "stream", "stream_options", "logprobs", "user");
    private static final Set<String> COMPLETION = union(COMMON, Set.of("prompt", "echo", "best_of"));
    private static final Set<String> CHAT = union(COMMON, Set.of("messages", "max_completion_tokens", "top_logprobs",
            "add_generation_prompt"));

    private final ServedModel model;

    RequestParser(ServedModel model) {
        this.model = model;
    }

    GenerationRequest completion(JsonNode body) {
        JsonFields f = new JsonFields(body);
        checkFields(f, COMPLETION);
        if (f.bool("echo").orElse(false)) {
            throw ApiException.invalid("echo", "echo is not supported");
        }
        List<int[]> prompts = prompts(f);
        int n = n(f);
        f.integer("best_of").ifPresent(b -> {
            if (b != n) {
                throw ApiException.invalid("best_of", "best_of must equal n (" + n + "), got " + b);
            }
        });
        int topLogprobs = 0;
        boolean logprobs = f.has("logprobs");
        if (logprobs) {
            topLogprobs = f.integer("logprobs").orElseThrow();
            checkLogprobs("logprobs", topLogprobs);
        }
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int maxTokens = maxTokens(f, "max_tokens", 16, longest, "prompt");
        return build(f, prompts, n, maxTokens, logprobs, topLogprobs);
    }

    GenerationRequest chat(JsonNode body) {
        JsonFields f = new JsonFields(body);
        checkFields(f, CHAT);
        int[] prompt = chatPrompt(f);
        int n = n(f);
        boolean logprobs = f.bool("logprobs").orElse(false);
        int topLogprobs = f.integer("top_logprobs").orElse(0);
        checkLogprobs("top_logprobs", topLogprobs);
        if (topLogprobs > 0 && !logprobs) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs logprobs: true");
        }
        String maxField = f.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = maxTokens(f, maxField, model.contextLength() - prompt.length, prompt.length, "messages");
        return build(f, List.of(prompt), n, maxTokens, logprobs, topLogprobs);
    }

    /** The token ids of {@code messages} rendered with the chat template ({@code add_generation_prompt}, default true). */
    int[] chatPrompt(JsonFields f) {
        ChatTemplate template = model.chatTemplate().orElseThrow(() -> ApiException.invalid("messages",
                "model '" + model.name() + "' has no chat template; start the server with --chat-template FILE"));
        List<ChatMessage> messages = messages(f);
        String text;
        try {
            text = template.render(messages, f.bool("add_generation_prompt").orElse(true));
        } catch (ChatTemplateException e) {
            throw ApiException.invalid("messages", e.getMessage());
        }
        int[] prompt = model.tokenizer().encode(text, false);
        if (prompt.length == 0) {
            throw ApiException.invalid("messages", "the chat template rendered the messages to an empty prompt");
        }
        return prompt;
    }

    private GenerationRequest build(JsonFields f, List<int[]> prompts, int n, int maxTokens, boolean logprobs,
            int topLogprobs) {
        boolean stream = f.bool("stream").orElse(false);
        boolean includeUsage = false;
        if (f.has("stream_options")) {
            JsonFields options = new JsonFields(f.get("stream_options"));
            includeUsage = options.bool("include_usage").orElse(false);
            if (!stream) {
                throw ApiException.invalid("stream_options", "stream_options needs stream: true");
            }
        }
        List<String> stop = f.stringOrList("stop");
        for (String s : stop) {
            if (s.isEmpty()) {
                throw ApiException.invalid("stop", "stop strings must not be empty");
            }
        }
        int topK = f.integer("top_k").orElse(-1);
        SamplingParams sampling;
        try {
            sampling = new SamplingParams(maxTokens,
                    f.number("temperature").orElse(1.0),
                    f.number("top_p").orElse(1.0),
                    topK == 0 ? -1 : topK,
                    f.number("min_p").orElse(0.0),
                    f.longValue("seed").orElse(null),
                    f.number("repetition_penalty").orElse(1.0),
                    f.number("presence_penalty").orElse(0.0),
                    f.number("frequency_penalty").orElse(0.0),
                    f.bool("ignore_eos").orElse(false),
                    tokenIds(f, "stop_token_ids"),
                    stop,
                    topLogprobs);
        } catch (InvalidSamplingException e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        }
        return new GenerationRequest(prompts, sampling, n, stream, includeUsage, logprobs);
    }

    /** Refuses fields outside {@code known} and a {@code model} other than the one served. */
    void checkFields(JsonFields f, Set<String> known) {
        for (String name : f.names()) {
            if (!known.contains(name)) {
                throw ApiException.invalid(name, "unsupported field '" + name + "'");
            }
        }
        String requested = f.string("model").orElse(model.name());
        if (!requested.equals(model.name())) {
            throw ApiException.invalid("model", "model '" + requested + "' does not exist; this server serves '"
                    + model.name() + "'");
        }
    }

    private int n(JsonFields f) {
        int n = f.integer("n").orElse(1);
        if (n < 1 || n > MAX_N) {
            throw ApiException.invalid("n", "n must be in [1, " + MAX_N + "], got " + n);
        }
        return n;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static void checkLogprobs(String field, int value) {
        if (value < 0 || value > MAX_LOGPROBS) {
            throw ApiException.invalid(field, field + " must be in [0, " + MAX_LOGPROBS + "], got " + value);
        }
    }

    /** {@code field} if given, else {@code fallback}; prompt + it must fit the context. */
    private int maxTokens(JsonFields f, String field, int fallback, int promptLength, String promptField) {
        if (promptLength >= model.contextLength()) {
            throw ApiException.invalid(promptField, "the prompt has " + promptLength + " tokens but the model's context length is "
                    + model.contextLength());
        }
        int maxTokens = f.integer(field).orElse(fallback);
        if (maxTokens < 1) {
            throw ApiException.invalid(field, field + " must be >= 1, got " + maxTokens);
        }
        if (promptLength + maxTokens > model.contextLength()) {
            throw ApiException.invalid(field, "this model's maximum context length is " + model.contextLength()
                    + " tokens, but " + promptLength + " prompt tokens + " + maxTokens + " " + field + " were requested");
        }
        return maxTokens;
    }

    private List<Integer> tokenIds(JsonFields f, String field) {
        List<Integer> ids = f.intList(field);
        for (int id : ids) {
            checkToken(field, id);
        }
        return ids;
    }

    void checkToken(String field, int id) {
        if (id < 0 || id >= model.tokenizer().vocabSize()) {
            throw ApiException.invalid(field, "token id " + id + " is outside the vocabulary [0, "
                    + model.tokenizer().vocabSize() + ")");
        }
    }

    /** OpenAI's {@code prompt}: a string, an array of strings, an array of token ids, or an array of those. */
    private List<int[]> prompts(JsonFields f) {
        JsonNode p = f.required("prompt");
        List<int[]> prompts = new ArrayList<>();
        if (p.isTextual()) {
            prompts.add(encode(p.asText()));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
            prompts.add(tokenArray(p));
        } else if (p.isArray() && !p.isEmpty()) {
            for (JsonNode e : p) {
                if (e.isTextual()) {
                    prompts.add(encode(e.asText()));
                } else if (e.isArray() && !e.isEmpty()) {
                    prompts.add(tokenArray(e));
                } else {
                    throw promptType(p);
                }
            }
        } else {
            throw promptType(p);
        }
        return prompts;
    }

    int[] encode(String text) {
        Tokenizer tokenizer = model.tokenizer();
        int[] ids = tokenizer.encode(text, tokenizer.bosId() >= 0);
        if (ids.length == 0) {
            throw ApiException.invalid("prompt", "the prompt is empty and the vocabulary has no BOS token to start from");
        }
        return ids;
    }

    private int[] tokenArray(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode e = array.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw promptType(array);
            }
            ids[i] = e.intValue();
            checkToken("prompt", ids[i]);
        }
        return ids;
    }

    private static ApiException promptType(JsonNode got) {
        return JsonFields.wrongType("prompt", "a string, an array of strings or a non-empty array of token ids", got);
    }

    private static List<ChatMessage> messages(JsonFields f) {
        JsonNode list = f.required("messages");
        if (!list.isArray() || list.isEmpty()) {
            throw JsonFields.wrongType("messages", "a non-empty array of messages", list);
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                throw JsonFields.wrongType(where, "an object with role and content", m);
            }
            JsonFields mf = new JsonFields(m);
            String role = mf.string("role").orElseThrow(() -> ApiException.invalid(where + ".role", "field 'role' is required"));
            if (!Set.of("system", "user", "assistant", "developer").contains(role)) {
                throw ApiException.invalid(where + ".role", "role must be system, developer, user or assistant, got '" + role + "'");
            }
            messages.add(new ChatMessage(role, content(mf, where + ".content")));
        }
        return messages;
    }

    /** A message's content: a string, or an array of {@code {"type": "text", "text": ...}} parts. */
    private static String content(JsonFields m, String where) {
        JsonNode c = m.get("content");
        if (c == null || c.isNull()) {
            throw ApiException.invalid(where, "field 'content' is required");
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            throw JsonFields.wrongType(where, "a string or an array of text parts", c);
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : c) {
            Optional<String> type = part.isObject() ? new JsonFields(part).string("type") : Optional.empty();
            if (type.isEmpty() || !type.get().equals("text") || !part.path("text").isTextual()) {
                throw ApiException.invalid(where, "only text content parts ({\"type\": \"text\", \"text\": ...}) are supported");
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }
}

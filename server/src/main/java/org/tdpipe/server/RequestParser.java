package org.tdpipe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tdpipe.core.request.InvalidSamplingException;
import org.tdpipe.core.request.MinTokens;
import org.tdpipe.core.request.OutputGrammar;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.chat.ChatMessage;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.chat.ChatTemplateException;
import org.tdpipe.model.sampling.OutputTextOptions;
import org.tdpipe.model.structured.GrammarCompiler;
import org.tdpipe.model.structured.UnsupportedSchemaException;
import org.tdpipe.model.tokenizer.DecodeOptions;
import org.tdpipe.model.tokenizer.StreamingDetokenizer;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Turns the JSON body of {@code POST /v1/completions} or {@code /v1/chat/completions} into a
 * {@link GenerationRequest}, checking every field (type, range, the model's context) and answering
 * a 400 naming the field that is wrong. Fields tdpipe knows but cannot honour (regex and grammar
 * guided decoding, tool calls) are refused with a 400 saying so; fields it
 * does not know are ignored and logged once, as vLLM does.
 */
final class RequestParser {
    /** Most choices one request may ask for. */
    static final int MAX_N = 128;
    /** Most top log-probabilities per token. */
    static final int MAX_LOGPROBS = 20;

    private static final Set<String> COMMON = Set.of("model", "max_tokens", "temperature", "top_p", "top_k", "min_p",
            "n", "seed", "stop", "stop_token_ids", "presence_penalty", "frequency_penalty", "repetition_penalty",
            "ignore_eos", "stream", "stream_options", "logprobs", "user", "logit_bias", "min_tokens",
            "include_stop_str_in_output", "skip_special_tokens", "spaces_between_special_tokens", "response_format",
            "prompt_logprobs", "guided_json", "guided_regex", "guided_choice", "guided_grammar", "structured_outputs");
    private static final Set<String> COMPLETION = union(COMMON, Set.of("prompt", "echo", "best_of", "suffix"));
    private static final Set<String> CHAT = union(COMMON, Set.of("messages", "max_completion_tokens", "top_logprobs",
            "add_generation_prompt", "echo", "tools", "tool_choice", "parallel_tool_calls"));
    /** vLLM's guided decoding that needs a regex or grammar engine tdpipe does not have. */
    private static final List<String> UNSUPPORTED_GUIDED = List.of("guided_regex", "guided_grammar");

    private static final ObjectMapper SCHEMA_READER = new ObjectMapper();

    private final ServedModel model;
    private final GrammarCompiler grammars;
    private final IgnoredFields ignored = new IgnoredFields();

    RequestParser(ServedModel model) {
        this.model = model;
        this.grammars = new GrammarCompiler(model.tokenizer());
    }

    GenerationRequest completion(JsonNode body) {
        JsonFields f = new JsonFields(body);
        checkFields(f, COMPLETION);
        if (!f.string("suffix").orElse("").isEmpty()) {
            throw ApiException.invalid("suffix", "suffix is not supported");
        }
        List<Prompt> prompts = prompts(f);
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
        boolean echo = f.bool("echo").orElse(false);
        int longest = prompts.stream().mapToInt(p -> p.tokens().length).max().orElseThrow();
        int maxTokens = maxTokens(f, "max_tokens", 16, longest, "prompt");
        List<String> echoes = echo ? prompts.stream().map(Prompt::text).toList() : List.of();
        return build(f, prompts.stream().map(Prompt::tokens).toList(), echoes, n, maxTokens, logprobs, topLogprobs);
    }

    GenerationRequest chat(JsonNode body) {
        JsonFields f = new JsonFields(body);
        checkFields(f, CHAT);
        if (f.bool("echo").orElse(false)) {
            throw ApiException.invalid("echo", "echo is not supported for chat completions");
        }
        checkTools(f);
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
        return build(f, List.of(prompt), List.of(), n, maxTokens, logprobs, topLogprobs);
    }

    /**
     * {@code tools} are accepted with {@code tool_choice: "none"} (the model answers in text and the
     * tools are left out of the prompt); tool calls themselves need a tool-call parser tdpipe lacks.
     */
    private static void checkTools(JsonFields f) {
        if (f.has("tools") && !f.get("tools").isArray()) {
            throw JsonFields.wrongType("tools", "an array of tools", f.get("tools"));
        }
        JsonNode choice = f.get("tool_choice");
        boolean none = choice != null && choice.isTextual() && choice.asText().equals("none");
        if (f.has("tool_choice") && !none) {
            throw ApiException.invalid("tool_choice", "only tool_choice \"none\" is supported: tool calls need a "
                    + "tool-call parser, which tdpipe does not have");
        }
        if (f.has("tools") && !f.get("tools").isEmpty() && !none) {
            throw ApiException.invalid("tools", "\"auto\" tool choice (the default with tools) is not supported; "
                    + "send tool_choice \"none\"");
        }
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

    private GenerationRequest build(JsonFields f, List<int[]> prompts, List<String> echoes, int n, int maxTokens,
            boolean logprobs, int topLogprobs) {
        Optional<OutputGrammar> grammar = grammar(f);
        int asked = f.integer("prompt_logprobs").orElse(-1);
        if (f.has("prompt_logprobs")) {
            checkLogprobs("prompt_logprobs", asked);
        }
        // echo with logprobs scores the echoed prompt with as many top tokens as the output gets
        int promptLogprobs = !echoes.isEmpty() && logprobs ? Math.max(asked, topLogprobs) : asked;
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
        boolean ignoreEos = f.bool("ignore_eos").orElse(false);
        List<Integer> stopTokenIds = tokenIds(f, "stop_token_ids");
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
                    ignoreEos,
                    stopTokenIds,
                    stop,
                    topLogprobs,
                    logitBias(f),
                    minTokens(f, ignoreEos, stopTokenIds),
                    grammar,
                    promptLogprobs);
        } catch (InvalidSamplingException e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        }
        DecodeOptions decode = new DecodeOptions(f.bool("skip_special_tokens").orElse(true),
                f.bool("spaces_between_special_tokens").orElse(true));
        OutputTextOptions text = new OutputTextOptions(decode, f.bool("include_stop_str_in_output").orElse(false));
        return new GenerationRequest(prompts, sampling, n, stream, includeUsage, logprobs, text, echoes, asked >= 0);
    }

    /**
     * Structured output: {@code response_format} {@code json_object} or {@code json_schema} (OpenAI), or
     * vLLM's {@code guided_json}, {@code guided_choice} or {@code structured_outputs} {@code {json | choice}};
     * at most one of them. An unsupported schema keyword is a 400 naming it.
     */
    private Optional<OutputGrammar> grammar(JsonFields f) {
        for (String guided : UNSUPPORTED_GUIDED) {
            if (f.has(guided)) {
                throw ApiException.invalid(guided, guided + " is not supported: tdpipe constrains output to JSON (schemas) and "
                        + "fixed choices only");
            }
        }
        List<String> asked = new ArrayList<>();
        Optional<OutputGrammar> grammar = Optional.empty();
        if (f.has("response_format")) {
            JsonFields format = new JsonFields(f.get("response_format"));
            String type = format.string("type").orElseThrow(() -> ApiException.invalid("response_format",
                    "field 'response_format.type' is required"));
            switch (type) {
                case "text" -> { }
                case "json_object" -> {
                    asked.add("response_format");
                    grammar = Optional.of(grammars.jsonObject());
                }
                case "json_schema" -> {
                    asked.add("response_format");
                    JsonNode spec = format.required("json_schema");
                    JsonNode schema = spec.isObject() ? spec.get("schema") : null;
                    if (schema == null || schema.isNull()) {
                        throw ApiException.invalid("response_format", "response_format.json_schema.schema is required");
                    }
                    grammar = Optional.of(schema("response_format", schema));
                }
                default -> throw ApiException.invalid("response_format", "response_format type '" + IgnoredFields.shown(type)
                        + "' is not one of text, json_object, json_schema");
            }
        }
        if (f.has("guided_json")) {
            asked.add("guided_json");
            grammar = Optional.of(schema("guided_json", schemaNode("guided_json", f.get("guided_json"))));
        }
        if (f.has("guided_choice")) {
            asked.add("guided_choice");
            grammar = Optional.of(choice("guided_choice", f.get("guided_choice")));
        }
        if (f.has("structured_outputs")) {
            asked.add("structured_outputs");
            JsonFields so = new JsonFields(f.get("structured_outputs"));
            if (so.has("json")) {
                grammar = Optional.of(schema("structured_outputs", schemaNode("structured_outputs", so.get("json"))));
            } else if (so.has("choice")) {
                grammar = Optional.of(choice("structured_outputs", so.get("choice")));
            } else {
                throw ApiException.invalid("structured_outputs", "structured_outputs supports json and choice only");
            }
        }
        if (asked.size() > 1) {
            throw ApiException.invalid(asked.get(1), "only one kind of structured output per request, got " + String.join(" and ", asked));
        }
        return grammar;
    }

    private OutputGrammar schema(String field, JsonNode schema) {
        try {
            return grammars.jsonSchema(schema);
        } catch (UnsupportedSchemaException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }

    /** A schema given as an object, or as its JSON text (vLLM accepts both). */
    private static JsonNode schemaNode(String field, JsonNode value) {
        if (!value.isTextual()) {
            return value;
        }
        try {
            return SCHEMA_READER.readTree(value.asText());
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(field, field + " is not a JSON schema: " + e.getOriginalMessage());
        }
    }

    private OutputGrammar choice(String field, JsonNode value) {
        if (!value.isArray() || value.isEmpty()) {
            throw JsonFields.wrongType(field, "a non-empty array of strings", value);
        }
        List<String> choices = new ArrayList<>();
        for (JsonNode c : value) {
            if (!c.isTextual() || c.asText().isEmpty()) {
                throw JsonFields.wrongType(field, "a non-empty array of non-empty strings", value);
            }
            choices.add(c.asText());
        }
        return grammars.choice(choices);
    }

    /** OpenAI's {@code logit_bias}: token id (as a string) → bias, clamped to [-100, 100] as vLLM does. */
    private Map<Integer, Float> logitBias(JsonFields f) {
        if (!f.has("logit_bias")) {
            return Map.of();
        }
        JsonNode bias = f.get("logit_bias");
        if (!bias.isObject()) {
            throw JsonFields.wrongType("logit_bias", "an object of token ids to numbers", bias);
        }
        Map<Integer, Float> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : bias.properties()) {
            int token;
            try {
                token = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw ApiException.invalid("logit_bias", "logit_bias keys must be token ids, got '"
                        + IgnoredFields.shown(e.getKey()) + "'");
            }
            checkToken("logit_bias", token);
            JsonNode value = e.getValue();
            if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
                throw JsonFields.wrongType("logit_bias", "an object of token ids to numbers", bias);
            }
            out.put(token, (float) Math.max(-100, Math.min(100, value.doubleValue())));
        }
        return out;
    }

    /** vLLM's {@code min_tokens}: EOS (unless {@code ignore_eos}) and the stop token ids cannot end the output earlier. */
    private MinTokens minTokens(JsonFields f, boolean ignoreEos, List<Integer> stopTokenIds) {
        int count = f.integer("min_tokens").orElse(0);
        if (count == 0) {
            return MinTokens.NONE;
        }
        Set<Integer> banned = new HashSet<>(stopTokenIds);
        int eos = model.tokenizer().eosId();
        if (!ignoreEos && eos >= 0) {
            banned.add(eos);
        }
        return new MinTokens(count, banned);
    }

    /** Ignores (and logs once) fields outside {@code known}; a {@code model} other than the one served is a 404. */
    void checkFields(JsonFields f, Set<String> known) {
        for (String name : f.names()) {
            if (!known.contains(name)) {
                ignored.ignore(name);
            }
        }
        String requested = f.string("model").orElse(model.name());
        if (!requested.equals(model.name())) {
            throw ApiException.modelNotFound(requested);
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

    /** One prompt of a completion request: its tokens and its text (what {@code echo} returns). */
    private record Prompt(int[] tokens, String text) {
    }

    /** OpenAI's {@code prompt}: a string, an array of strings, an array of token ids, or an array of those. */
    private List<Prompt> prompts(JsonFields f) {
        JsonNode p = f.required("prompt");
        List<Prompt> prompts = new ArrayList<>();
        if (p.isTextual()) {
            prompts.add(textPrompt(p.asText()));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
            prompts.add(tokenPrompt(p));
        } else if (p.isArray() && !p.isEmpty()) {
            for (JsonNode e : p) {
                if (e.isTextual()) {
                    prompts.add(textPrompt(e.asText()));
                } else if (e.isArray() && !e.isEmpty()) {
                    prompts.add(tokenPrompt(e));
                } else {
                    throw promptType(p);
                }
            }
        } else {
            throw promptType(p);
        }
        return prompts;
    }

    private Prompt textPrompt(String text) {
        return new Prompt(encode(text), text);
    }

    /** Token prompts echo as they decode (control tokens left out, as vLLM's default). */
    private Prompt tokenPrompt(JsonNode array) {
        int[] tokens = tokenArray(array);
        return new Prompt(tokens, StreamingDetokenizer.decodeAll(model.tokenizer(), tokens));
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

package org.tdpipe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import org.tdpipe.model.tokenizer.StreamingDetokenizer;

/**
 * vLLM's {@code POST /tokenize} ({@code prompt} with {@code add_special_tokens}, or chat
 * {@code messages}; answers {@code count}, {@code max_model_len}, {@code tokens}) and
 * {@code POST /detokenize} ({@code tokens}; answers {@code prompt}).
 */
final class TokenizeHandler {
    private static final Set<String> TOKENIZE_FIELDS = Set.of("model", "prompt", "add_special_tokens", "messages",
            "add_generation_prompt");
    private static final Set<String> DETOKENIZE_FIELDS = Set.of("model", "tokens");

    private final ObjectMapper json;
    private final ServedModel model;
    private final RequestParser parser;

    TokenizeHandler(ObjectMapper json, ServedModel model, RequestParser parser) {
        this.json = json;
        this.model = model;
        this.parser = parser;
    }

    void tokenize(Context ctx) {
        JsonFields f = new JsonFields(JsonBody.read(json, ctx));
        parser.checkFields(f, TOKENIZE_FIELDS);
        int[] tokens;
        if (f.has("messages")) {
            tokens = parser.chatPrompt(f);
        } else {
            String prompt = f.string("prompt").orElseThrow(() -> ApiException.invalid("prompt", "field 'prompt' (or 'messages') is required"));
            boolean special = f.bool("add_special_tokens").orElse(true);
            tokens = model.tokenizer().encode(prompt, special && model.tokenizer().bosId() >= 0);
        }
        ObjectNode body = json.createObjectNode();
        body.put("count", tokens.length);
        body.put("max_model_len", model.contextLength());
        ArrayNode array = body.putArray("tokens");
        for (int t : tokens) {
            array.add(t);
        }
        ctx.contentType("application/json").result(body.toString());
    }

    void detokenize(Context ctx) {
        JsonFields f = new JsonFields(JsonBody.read(json, ctx));
        parser.checkFields(f, DETOKENIZE_FIELDS);
        f.required("tokens");
        List<Integer> ids = f.intList("tokens");
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; i++) {
            parser.checkToken("tokens", ids.get(i));
            tokens[i] = ids.get(i);
        }
        ObjectNode body = json.createObjectNode();
        body.put("prompt", StreamingDetokenizer.decodeAll(model.tokenizer(), tokens));
        ctx.contentType("application/json").result(body.toString());
    }
}

package org.tdpipe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI's error object: {@code {"error": {"message", "type", "param", "code"}}}; {@code code} is the
 * HTTP status, as vLLM sends it.
 */
public record ErrorBody(String message, String type, String param, int code) {
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        error.put("code", code);
        return root;
    }
}

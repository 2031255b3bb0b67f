package org.tdpipe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** Reads a request body as JSON; malformed JSON is a 400 that says where it broke. */
final class JsonBody {
    private JsonBody() {
    }

    static JsonNode read(ObjectMapper json, Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw ApiException.invalid(null, "the request body is empty; expected a JSON object");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "malformed JSON in the request body: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() : ""));
        }
    }
}

package org.tdpipe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The fields every completion object starts with: {@code id, object, created, model}. */
final class Envelope {
    private final ObjectMapper json;
    private final String model;

    Envelope(ObjectMapper json, String model) {
        this.json = json;
        this.model = model;
    }

    ObjectNode start(String id, String object) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("object", object);
        o.put("created", Instant.now().getEpochSecond());
        o.put("model", model);
        return o;
    }
}

package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI's {@code usage}: each prompt counted once, every choice's tokens counted. */
record Usage(int promptTokens, int completionTokens) {
    void writeTo(ObjectNode usage) {
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
    }
}

package org.tdpipe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.tdpipe.core.engine.OnlineEngine;
import org.tdpipe.core.metrics.EngineMetrics;

/**
 * {@code POST /v1/completions} or {@code /v1/chat/completions}: validates the body, submits one engine
 * request per choice, and answers with the whole response or streams it as server-sent events. A
 * client that disconnects, streaming or not, has its requests aborted (their KV blocks are freed).
 */
final class GenerationHandler {
    private final ObjectMapper json;
    private final ServedModel model;
    private final OnlineEngine engine;
    private final Admission admission;
    private final ResponseFormat format;
    private final Function<JsonNode, GenerationRequest> parser;
    private final DisconnectWatcher disconnects;
    private final EngineMetrics metrics;

    GenerationHandler(ObjectMapper json, ServedModel model, OnlineEngine engine, Admission admission,
            ResponseFormat format, Function<JsonNode, GenerationRequest> parser,
            DisconnectWatcher disconnects, EngineMetrics metrics) {
        this.json = json;
        this.model = model;
        this.engine = engine;
        this.admission = admission;
        this.format = format;
        this.parser = parser;
        this.disconnects = disconnects;
        this.metrics = metrics;
    }

    void handle(Context ctx) throws InterruptedException {
        GenerationRequest request = parser.apply(JsonBody.read(json, ctx));
        String id = format.idPrefix() + "-" + UUID.randomUUID().toString().replace("-", "");
        Generation generation = Generation.start(engine, admission, model, request, id);
        for (int p = 0; p < request.prompts().size(); p++) {
            metrics.onApiRequest(request.n(), request.sampling().maxTokens()); // each prompt is a request, as in vLLM
        }
        try (DisconnectWatcher.Watch watch = disconnects.watch(ctx, generation::abort)) {
            if (request.stream()) {
                stream(ctx, request, generation, id);
            } else {
                respond(ctx, request, generation, id);
            }
        } catch (InterruptedException e) { // the HTTP server is stopping under us: nobody will read the result
            generation.abort();
            throw e;
        }
    }

    private void respond(Context ctx, GenerationRequest request, Generation generation, String id) throws InterruptedException {
        List<ChoiceResult> choices = new ArrayList<>();
        for (int i = 0; i < generation.numChoices(); i++) {
            choices.add(new ChoiceResult());
        }
        for (int remaining = choices.size(); remaining > 0;) {
            switch (generation.next()) {
                case ChoiceEvent.Delta d -> choices.get(d.index()).add(d);
                case ChoiceEvent.Done d -> {
                    choices.get(d.index()).done = d;
                    remaining--;
                }
            }
        }
        for (ChoiceResult c : choices) {
            if (c.done.error() != null) {
                throw ApiException.internal("generation failed: " + c.done.error());
            }
        }
        ObjectNode body = format.response(id, choices, usage(request, choices.stream().map(c -> c.done).toList()),
                request.logprobs());
        // written and completed here rather than after the handler returns: a graceful shutdown stops
        // the HTTP server as soon as the last handler has returned
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ctx.status(200).contentType("application/json");
        ctx.res().setContentLength(bytes.length);
        try (OutputStream out = ctx.res().getOutputStream()) {
            out.write(bytes);
        } catch (IOException clientGone) {
            // nobody is reading: its requests have finished, there is nothing to free
        }
    }

    private void stream(Context ctx, GenerationRequest request, Generation generation, String id) throws InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        List<ChoiceEvent.Done> done = new ArrayList<>();
        try {
            SseWriter sse = new SseWriter(ctx.res().getOutputStream(), json);
            for (int i = 0; i < generation.numChoices(); i++) {
                for (ObjectNode chunk : format.openingChunks(id, i)) {
                    sse.send(chunk);
                }
            }
            int[] sent = new int[generation.numChoices()];
            while (done.size() < generation.numChoices()) {
                switch (generation.next()) {
                    case ChoiceEvent.Delta d -> {
                        sse.send(format.deltaChunk(id, d, sent[d.index()], request.logprobs()));
                        sent[d.index()] += d.text().length();
                    }
                    case ChoiceEvent.Done d -> {
                        done.add(d);
                        if (d.error() != null) {
                            sse.send(ApiException.internal("generation failed: " + d.error()).body().toJson(json));
                        }
                        sse.send(format.finishChunk(id, d));
                    }
                }
            }
            if (request.includeUsage()) {
                sse.send(format.usageChunk(id, usage(request, done)));
            }
            sse.done();
            ctx.res().getOutputStream().close(); // the last chunk goes out before the handler returns
        } catch (IOException clientGone) {
            generation.abort();
        }
    }

    /** Each prompt counted once (its first choice), every choice's completion tokens counted. */
    private static Usage usage(GenerationRequest request, List<ChoiceEvent.Done> done) {
        int prompt = 0;
        int completion = 0;
        for (ChoiceEvent.Done d : done) {
            if (d.index() % request.n() == 0) {
                prompt += d.promptTokens();
            }
            completion += d.completionTokens();
        }
        return new Usage(prompt, completion);
    }
}

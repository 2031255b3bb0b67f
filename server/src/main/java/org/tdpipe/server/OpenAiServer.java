package org.tdpipe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.tdpipe.core.Tdpipe;
import org.tdpipe.core.engine.OnlineEngine;
import org.tdpipe.core.metrics.EngineMetrics;

/**
 * The OpenAI-compatible HTTP API over an {@link OnlineEngine} (Javalin on Jetty, one virtual thread
 * per request): {@code POST /v1/completions}, {@code POST /v1/chat/completions}, {@code GET /v1/models},
 * {@code GET /v1/models/{id}}, {@code GET /health}, {@code GET|POST /ping}, {@code GET /version},
 * {@code GET /metrics}, {@code POST /tokenize}, {@code POST /detokenize}. Refused requests get an
 * OpenAI-style error body; with an API key, {@code /v1/*} and the tokenizer endpoints need
 * {@code Authorization: Bearer <key>} ({@code /health}, {@code /ping}, {@code /version} and
 * {@code /metrics} stay open, as in vLLM).
 */
final class OpenAiServer {
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/ping", "/version", "/metrics");

    private final ObjectMapper json = new ObjectMapper();
    private final ServedModel model;
    private final OnlineEngine engine;
    private final EngineMetrics metrics;
    private final ServerConfig config;
    private final AtomicInteger activeGenerations = new AtomicInteger();
    private final DisconnectWatcher disconnects = new DisconnectWatcher();
    private final Javalin app;

    /** Starts listening at once. */
    OpenAiServer(ServedModel model, OnlineEngine engine, EngineMetrics metrics,
            ServerConfig config) {
        this.model = model;
        this.engine = engine;
        this.metrics = metrics;
        this.config = config;
        RequestParser parser = new RequestParser(model);
        Envelope envelope = new Envelope(json, model.name());
        LogprobsJson logprobs = new LogprobsJson(model.tokenizer());
        Admission admission = new Admission(engine, config.maxWaiting());
        GenerationHandler completions = new GenerationHandler(json, model, engine, admission,
                new CompletionFormat(envelope, logprobs), parser::completion, disconnects, metrics);
        GenerationHandler chat = new GenerationHandler(json, model, engine, admission,
                new ChatFormat(envelope, logprobs), parser::chat, disconnects, metrics);
        TokenizeHandler tokenizer = new TokenizeHandler(json, model, parser);
        this.app = Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.http.maxRequestSize = config.maxRequestBodyBytes();
            config.tls().ifPresent(tls -> c.jetty.addConnector((server, http) -> httpsConnector(server, http, tls)));
            c.routes.before(this::authorize);
            c.routes.post("/v1/completions", generating(completions::handle));
            c.routes.post("/v1/chat/completions", generating(chat::handle));
            c.routes.get("/v1/models", this::models);
            c.routes.get("/v1/models/<id>", this::model);
            c.routes.post("/tokenize", tokenizer::tokenize);
            c.routes.post("/detokenize", tokenizer::detokenize);
            c.routes.get("/health", this::health);
            c.routes.get("/ping", this::health);
            c.routes.post("/ping", this::health);
            c.routes.get("/version", this::version);
            c.routes.get("/metrics", this::metrics);
            c.routes.exception(ApiException.class, this::refuse);
            c.routes.exception(HttpResponseException.class, (e, ctx) -> refuse(javalinRefusal(e, ctx), ctx));
            c.routes.exception(Exception.class, (e, ctx) -> refuse(ApiException.internal(String.valueOf(e)), ctx));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw bindFailure(e).map(b -> new UncheckedIOException("port " + config.port() + " on " + config.host()
                    + " is in use", b)).orElseThrow(() -> e);
        }
    }

    private static Optional<BindException> bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The port the server listens on (the chosen one when the configuration asked for 0). */
    int port() {
        return app.port();
    }

    /** The only connector when TLS is configured: HTTP/1.1 over TLS on the configured host and port. */
    private ServerConnector httpsConnector(Server server, HttpConfiguration http, ServerTls tls) {
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls.sslContextFactory(),
                HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        connector.setHost(config.host());
        connector.setPort(config.port());
        return connector;
    }

    /**
     * Stops accepting, lets the engine finish (or abort, at the configured timeout) the requests in
     * flight, waits up to {@code grace} for their responses to be written, and stops listening.
     */
    void stop(Duration grace) throws InterruptedException {
        engine.shutdown(config.shutdownTimeout(), grace);
        long giveUp = System.nanoTime() + grace.toNanos();
        while (activeGenerations.get() > 0 && System.nanoTime() < giveUp) {
            Thread.sleep(5); // the last responses are being written; nothing to wake us when they are
        }
        app.stop();
        disconnects.close();
    }

    private Handler generating(Handler handler) {
        return ctx -> {
            activeGenerations.incrementAndGet();
            try {
                handler.handle(ctx);
            } finally {
                activeGenerations.decrementAndGet();
            }
        };
    }

    private void authorize(Context ctx) {
        if (config.apiKey().isEmpty() || OPEN_PATHS.contains(ctx.path())) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.equals("Bearer " + config.apiKey().get())) {
            throw ApiException.unauthorized();
        }
    }

    private void refuse(ApiException e, Context ctx) {
        e.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", String.valueOf(s)));
        ctx.status(e.status()).contentType("application/json").result(e.body().toJson(json).toString());
    }

    /** What Javalin itself refuses (no such route, a body over the limit) as an OpenAI-style error. */
    private ApiException javalinRefusal(HttpResponseException e, Context ctx) {
        if (e.getStatus() == HttpStatus.NOT_FOUND.getCode()) {
            return ApiException.notFound("no such endpoint: " + ctx.method() + " " + ctx.path());
        }
        if (e.getStatus() == HttpStatus.CONTENT_TOO_LARGE.getCode()) {
            return ApiException.tooLarge("the request body is larger than the limit of " + config.maxRequestBodyBytes()
                    + " bytes (--max-request-body-mib)");
        }
        return ApiException.withStatus(e.getStatus(), e.getMessage());
    }

    private void models(Context ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        writeModelCard(body.putArray("data").addObject());
        ctx.contentType("application/json").result(body.toString());
    }

    /** {@code GET /v1/models/{id}}: the served model's card, or vLLM's 404 for any other id. */
    private void model(Context ctx) {
        String id = ctx.pathParam("id");
        if (!id.equals(model.name())) {
            throw ApiException.modelNotFound(id);
        }
        ObjectNode card = json.createObjectNode();
        writeModelCard(card);
        ctx.contentType("application/json").result(card.toString());
    }

    private void version(Context ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("version", Tdpipe.VERSION);
        ctx.contentType("application/json").result(body.toString());
    }

    private void writeModelCard(ObjectNode m) {
        m.put("id", model.name());
        m.put("object", "model");
        m.put("created", model.createdEpochSeconds());
        m.put("owned_by", "tdpipe");
        m.put("root", model.root());
        m.putNull("parent");
        m.put("max_model_len", model.contextLength());
    }

    private void health(Context ctx) {
        if (engine.failure().isPresent()) {
            refuse(ApiException.unavailable("the engine failed: " + engine.failure().get().getMessage()), ctx);
        } else if (!engine.isAccepting()) {
            refuse(ApiException.unavailable("the server is shutting down"), ctx);
        } else {
            ctx.status(200).result("");
        }
    }

    private void metrics(Context ctx) throws IOException {
        StringBuilder text = new StringBuilder();
        metrics.writeTo(text);
        ctx.contentType(EngineMetrics.CONTENT_TYPE).result(text.toString());
    }
}

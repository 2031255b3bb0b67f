package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.BatchDeadline;
import org.tdpipe.runtime.LayerPartitioner;
import org.tdpipe.runtime.LocalExecutor;
import org.tdpipe.runtime.StageCosts;
import org.tdpipe.runtime.StageResources;

/**
 * A real {@code tdpipe serve} for tests: stories260K (skipped when the shared data is absent) on a
 * 2-stage pipeline of stage threads, on an ephemeral port, with a simple chat template (the model has
 * none) and a gate on its batch launches. A metrics listener records how every request finished.
 */
final class Stories260KServer implements AutoCloseable {
    static final String MODEL = "stories260K";
    static final String CHAT_TEMPLATE = "{{ bos_token }}{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n"
            + "{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";
    static final int BLOCKS = 512;

    final ModelSource source;
    final TdpipeServer server;
    final GatedExecutor gate;
    final Map<String, Request> finished = new ConcurrentHashMap<>();

    private Stories260KServer(ModelSource source, Optional<String> apiKey, int maxWaiting, String policy, Optional<ServerTls> tls) {
        this.source = source;
        GatedExecutor[] gated = new GatedExecutor[1];
        EngineListener recorder = new EngineListener() {
            @Override
            public void onFinished(Request request) {
                finished.put(request.externalId(), request);
            }
        };
        ServedModel model = new ServedModel(MODEL, source.location(), source.tokenizer(), source.config().contextLength(),
                ChatTemplate.forModel(source, Optional.of(CHAT_TEMPLATE)), Instant.now().getEpochSecond());
        OraclePredictor predictor = new OraclePredictor();
        this.server = TdpipeServer.start(model, (blocks, blockSize) -> {
            gated[0] = new GatedExecutor(LocalExecutor.open(source,
                    LayerPartitioner.balanced(StageCosts.of(source.config(), 0.5), 2),
                    new StageResources(blocks, blockSize, 1, 0), BatchDeadline.AUTO));
            return gated[0];
        }, new EngineSetup(Policies.parse(policy), predictor, null, BLOCKS, 16),
                recorder,
                new ServerConfig("127.0.0.1", 0, apiKey, maxWaiting, Duration.ofSeconds(30), tls,
                        ServerConfig.DEFAULT_MAX_REQUEST_BODY_BYTES));
        this.gate = gated[0];
    }

    static Stories260KServer start(Optional<String> apiKey, int maxWaiting) {
        return new Stories260KServer(ModelSources.open(modelFile().toString()), apiKey, maxWaiting, "pp-chunked", Optional.empty());
    }

    /** The server over HTTPS. */
    static Stories260KServer startTls(ServerTls tls) {
        return new Stories260KServer(ModelSources.open(modelFile().toString()), Optional.empty(), 16, "pp-chunked", Optional.of(tls));
    }

    static Path modelFile() {
        String root = System.getProperty("tdpipe.shared.data");
        assumeTrue(root != null, "system property tdpipe.shared.data not set; skipping");
        Path path = Path.of(root, "models", "stories260K", "stories260K.gguf");
        assumeTrue(Files.isRegularFile(path), path + " not found; skipping");
        return path;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A raw HTTP/1.1 {@code POST /v1/completions} of {@code body}. */
    static byte[] post(String body) {
        return ("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * With the gate held and one request of up to 1,000 tokens running whose client has gone, lets
     * the engine run one step at a time (pausing briefly after each, for the handler to write or
     * notice the client gone) until the request finishes; checks that it was aborted early and that
     * its KV blocks were freed.
     */
    void stepUntilTheRequestIsAborted() throws InterruptedException {
        for (int step = 0; step < 1000 && finished.isEmpty(); step++) {
            await(() -> gate.engineWaiting() || !finished.isEmpty(), "the engine waits for a step");
            gate.release(1);
            Thread.sleep(2);
        }
        Request request = finished.values().iterator().next();
        assertEquals(FinishReason.ABORT, request.finishReason());
        assertTrue(request.numOutputTokens() < 1000, "aborted early: " + request.numOutputTokens());
        await(() -> server.engine().stats().usedBlocks() == 0, "its KV blocks freed");
        assertEquals(0, server.engine().numUnfinished());
    }

    /** Waits (at most 30 s) until {@code condition} holds. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(2);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
        source.close();
    }
}

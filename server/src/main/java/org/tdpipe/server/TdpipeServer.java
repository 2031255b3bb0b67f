package org.tdpipe.server;

import java.time.Duration;
import java.util.function.Consumer;
import org.tdpipe.core.engine.OnlineEngine;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.model.llama.StepOutput;

/**
 * A running {@code tdpipe serve}: the pipeline, the {@link OnlineEngine} driving it and the HTTP API
 * in front. {@link #close()} shuts down gracefully: no new requests, those in flight finish (or are
 * aborted at the shutdown timeout), then the listener and the pipeline stop.
 */
public final class TdpipeServer implements AutoCloseable {
    /** Extra time for the last responses to be written and the last batches to return after the shutdown timeout. */
    static final Duration GRACE = Duration.ofSeconds(10);

    /** Opens the pipeline with a KV cache of {@code numBlocks} blocks; {@code onOutput} gets every batch's samples. */
    @FunctionalInterface
    public interface PipelineOpener {
        PipelineExecutor open(int numBlocks, int blockSize, Consumer<StepOutput> onOutput);
    }

    private final PipelineExecutor executor;
    private final OnlineEngine engine;
    private final OpenAiServer http;

    private TdpipeServer(PipelineExecutor executor, OnlineEngine engine, OpenAiServer http) {
        this.executor = executor;
        this.engine = engine;
        this.http = http;
    }

    public static TdpipeServer start(ServedModel model, PipelineOpener pipeline, EngineSetup setup, MetricsHooks metrics,
            ServerConfig config) {
        int sequenceBlocks = (model.contextLength() + setup.blockSize() - 1) / setup.blockSize();
        if (setup.numBlocks() < sequenceBlocks) {
            throw new IllegalArgumentException("the KV cache has " + setup.numBlocks() + " blocks but one full-context sequence ("
                    + model.contextLength() + " tokens) needs " + sequenceBlocks);
        }
        LogprobRouter router = new LogprobRouter();
        PipelineExecutor executor = pipeline.open(setup.numBlocks(), setup.blockSize(), router);
        OnlineEngine engine;
        try {
            PolicyContext ctx = new PolicyContext(executor.numStages(), setup.numBlocks(), setup.blockSize(),
                    model.contextLength(), setup.profile(), setup.predictor());
            engine = OnlineEngine.start(executor, setup.policy().apply(ctx), setup.predictor(),
                    new StopChecker(model.tokenizer().eosId(), model.contextLength()), metrics.listener(),
                    metrics.onStepStats());
        } catch (RuntimeException e) {
            executor.close();
            throw e;
        }
        try {
            return new TdpipeServer(executor, engine, new OpenAiServer(model, engine, router, metrics.source(), config));
        } catch (RuntimeException e) { // e.g. the port is taken
            stopEngine(engine);
            executor.close();
            throw e;
        }
    }

    private static void stopEngine(OnlineEngine engine) {
        try {
            engine.shutdown(Duration.ZERO, GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return http.port();
    }

    public OnlineEngine engine() {
        return engine;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            http.stop(GRACE);
        } finally {
            executor.close();
        }
    }
}

package org.tdpipe.server;

import java.time.Duration;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.OnlineEngine;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.PipelineOpener;
import org.tdpipe.core.metrics.EngineMetrics;
import org.tdpipe.core.metrics.KvCacheShape;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.sched.PolicyContext;

/**
 * A running {@code tdpipe serve}: the pipeline, the {@link OnlineEngine} driving it and the HTTP API
 * in front. {@link #close()} shuts down gracefully: no new requests, those in flight finish (or are
 * aborted at the shutdown timeout), then the listener and the pipeline stop.
 */
public final class TdpipeServer implements AutoCloseable {
    /** Extra time for the last responses to be written and the last batches to return after the shutdown timeout. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final PipelineExecutor executor;
    private final OnlineEngine engine;
    private final OpenAiServer http;

    private TdpipeServer(PipelineExecutor executor, OnlineEngine engine, OpenAiServer http) {
        this.executor = executor;
        this.engine = engine;
        this.http = http;
    }

    /**
     * Opens the pipeline, starts the engine and listens. {@code observer} sees every request's tokens and
     * finish on the engine thread, after the server's own metrics ({@link EngineListener#NONE} for none).
     */
    public static TdpipeServer start(ServedModel model, PipelineOpener pipeline, EngineSetup setup, EngineListener observer,
            ServerConfig config) {
        int sequenceBlocks = (model.contextLength() + setup.blockSize() - 1) / setup.blockSize();
        if (setup.numBlocks() < sequenceBlocks) {
            throw new IllegalArgumentException("the KV cache has " + setup.numBlocks() + " blocks but one full-context sequence ("
                    + model.contextLength() + " tokens) needs " + sequenceBlocks);
        }
        PipelineExecutor executor = pipeline.open(setup.numBlocks(), setup.blockSize());
        EngineMetrics metrics = metricsOf(model, executor, setup);
        OnlineEngine engine;
        try {
            PolicyContext ctx = new PolicyContext(executor.numStages(), setup.numBlocks(), setup.blockSize(),
                    model.contextLength(), setup.profile(), setup.predictor());
            engine = OnlineEngine.start(executor, setup.policy().apply(ctx), setup.predictor(),
                    new StopChecker(model.tokenizer().eosId(), model.contextLength()), EngineListener.both(metrics, observer),
                    metrics);
        } catch (RuntimeException e) {
            executor.close();
            throw e;
        }
        try {
            return new TdpipeServer(executor, engine, new OpenAiServer(model, engine, metrics, config));
        } catch (RuntimeException e) { // e.g. the port is taken
            stopEngine(engine);
            executor.close();
            throw e;
        }
    }

    /** The {@code /metrics} registry; the timeline keeps only what its sliding window needs. */
    private static EngineMetrics metricsOf(ServedModel model, PipelineExecutor executor, EngineSetup setup) {
        Duration window = EngineMetrics.DEFAULT_WINDOW;
        executor.timeline().retainOnlyLast(2 * window.toNanos());
        EngineMetrics metrics = new EngineMetrics(model.name(), model.contextLength(),
                new KvCacheShape(setup.blockSize(), setup.numBlocks()), executor.clock(), executor.timeline(), window);
        LengthPredictor predictor = setup.predictor();
        metrics.setPredictorAccuracy(() -> predictor.recentAccuracy().bucketAccuracy());
        return metrics;
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

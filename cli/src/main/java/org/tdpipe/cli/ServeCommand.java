package org.tdpipe.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.KvCache;
import org.tdpipe.server.EngineSetup;
import org.tdpipe.server.ServedModel;
import org.tdpipe.server.ServerConfig;
import org.tdpipe.server.ServerTls;
import org.tdpipe.server.TdpipeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tdpipe serve}: the OpenAI-compatible HTTP server on a real pipeline, under the policy of
 * {@link PolicyOptions} (default {@code pp-chunked}; the TD-Pipe policies plan with a profile, given,
 * cached or measured at start-up).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves the model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions,",
            "/v1/models[/ID], /health, /ping, /version, /metrics, /tokenize, /detokenize). SIGTERM shuts down gracefully."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name>.")
    String model;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port to listen on; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key", description = "Require 'Authorization: Bearer KEY' on /v1/* and the tokenizer endpoints.")
    String apiKey;

    @Option(names = "--served-model-name", description = "The model id of the API (default: the --model argument).")
    String servedModelName;

    @Option(names = "--max-waiting", defaultValue = "1024",
            description = "Most requests waiting to run (not yet started, or preempted); more get 429 with Retry-After (default ${DEFAULT-VALUE}).")
    int maxWaiting;

    @Mixin
    ChatTemplateOption chatTemplate;

    /**
     * Online requests arrive one at a time: pp-chunked admits each at the next step without a profile or
     * length predictions (and a chat request's default max_tokens, the rest of the context, would make the
     * TD-Pipe memory plans pessimistic), which keeps time to first token short.
     */
    @Mixin
    PolicyOptions scheduling = new PolicyOptions("pp-chunked");

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block (default ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--kv-cache-mib", defaultValue = "1024", description = "KV cache size (default ${DEFAULT-VALUE} MiB).")
    double kvCacheMib;

    @Option(names = "--shutdown-timeout", defaultValue = "30",
            description = "Seconds requests in flight may run on after SIGTERM before they are aborted (default ${DEFAULT-VALUE}).")
    double shutdownTimeout;

    @Option(names = "--max-request-body-mib", defaultValue = "32",
            description = "Largest request body; larger ones get a JSON 413 (default ${DEFAULT-VALUE} MiB).")
    double maxRequestBodyMib;

    @Option(names = "--ssl-certfile", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (with --ssl-keyfile).")
    Path sslCertfile;

    @Option(names = "--ssl-keyfile", paramLabel = "PEM", description = "The HTTPS certificate's unencrypted PKCS#8 private key (RSA or EC).")
    Path sslKeyfile;

    @Override
    public Integer call() throws InterruptedException {
        scheduling.validate();
        if ((sslCertfile == null) != (sslKeyfile == null)) {
            throw new IllegalArgumentException("--ssl-certfile and --ssl-keyfile go together");
        }
        Optional<ServerTls> tls = sslCertfile == null ? Optional.empty() : Optional.of(new ServerTls(sslCertfile, sslKeyfile));
        ServerConfig config = new ServerConfig(host, port, Optional.ofNullable(apiKey), maxWaiting,
                Duration.ofMillis((long) (shutdownTimeout * 1000)), tls, (long) (maxRequestBodyMib * (1 << 20)));
        try (ModelSource source = ModelSources.open(model)) {
            ServedModel served = new ServedModel(servedModelName != null ? servedModelName : model, source.location(),
                    source.tokenizer(), source.config().contextLength(), chatTemplate.resolve(source),
                    Instant.now().getEpochSecond());
            PolicyOptions.Choice choice = scheduling.choose(model, source, pipeline.stageThreads(), System.err);
            EngineSetup setup = new EngineSetup(choice.policy(), choice.predictor(), choice.profile(), kvBlocks(source.config()), blockSize);
            TdpipeServer server = TdpipeServer.start(served, (blocks, size) -> pipeline.open(source, blocks, size, choice.tensorParallel()),
                    setup, EngineListener.NONE, config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.err.println("tdpipe serve: shutting down (requests in flight get " + shutdownTimeout + " s)");
                try {
                    server.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stopped.countDown();
                }
            }, "tdpipe-shutdown"));
            System.err.printf("tdpipe serve: %s (%s) on %s://%s:%d with %s, policy %s%n", served.name(),
                    source.location(), tls.isPresent() ? "https" : "http", host, server.port(),
                    pipeline.describe(choice.tensorParallel()), scheduling.policy);
            stopped.await();
        }
        return 0;
    }

    private int kvBlocks(ModelConfig c) {
        return KvCache.blocksForBytes((long) (kvCacheMib * (1 << 20)), c.numLayers(), blockSize, c.numKvHeads() * c.headDim());
    }
}

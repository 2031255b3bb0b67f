package org.tdpipe.cli;

import java.util.concurrent.Callable;
import org.tdpipe.runtime.LlamaStageComputation;
import org.tdpipe.runtime.grpc.StageWorkerServer;
import org.tdpipe.runtime.grpc.WorkerAddress;
import org.tdpipe.runtime.grpc.WorkerSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe worker}: a pipeline stage worker process for a controller's {@code --executor grpc}. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a pipeline stage worker: it waits for a controller (generate/bench --executor grpc --workers ...),",
            "which assigns its layers and model in a handshake, and serves until killed."})
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
            description = "The only address to listen on, e.g. 127.0.0.1:9101 (port 0: any free port).")
    String listen;

    @Mixin
    WorkerSecurityOptions security = new WorkerSecurityOptions();

    @Override
    public Integer call() throws InterruptedException {
        WorkerSecurity secured = security.forWorker();
        try (StageWorkerServer server = StageWorkerServer.start(WorkerAddress.parse(listen), secured,
                LlamaStageComputation::loadRank, message -> System.err.println("tdpipe worker: " + message))) {
            System.err.println("tdpipe worker listening on " + server.address() + " (" + secured.describe() + ")");
            server.awaitTermination();
        }
        return 0;
    }
}

package org.tdpipe.runtime.grpc;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tdpipe.runtime.LlamaStageComputation;
import org.tdpipe.runtime.StageComputation;
import org.tdpipe.runtime.StageFactory;
import org.tdpipe.runtime.StuckStage;

/**
 * A stage worker process for tests: {@code HOST:PORT TOKEN|- STUCK_AT [TLS_CA TLS_CERT TLS_KEY]};
 * prints the address it bound, then serves. {@code STUCK_AT} > 0: in its first session, its stage gets stuck on the
 * batch of that number (later sessions compute normally).
 */
public final class WorkerProcessMain {
    static final String READY = "listening on ";

    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Optional<String> token = args[1].equals("-") ? Optional.empty() : Optional.of(args[1]);
        Optional<WorkerTls> tls = args.length > 3
                ? Optional.of(WorkerTls.worker(Path.of(args[3]), Path.of(args[4]), Path.of(args[5]))) : Optional.empty();
        int stuckAt = Integer.parseInt(args[2]);
        AtomicBoolean firstSession = new AtomicBoolean(stuckAt > 0);
        StageFactory stages = (source, range, resources, shard, allReduce) -> {
            StageComputation real = LlamaStageComputation.loadRank(source, range, resources, shard, allReduce);
            return firstSession.getAndSet(false) ? StuckStage.onBatchNumber(real, stuckAt) : real;
        };
        StageWorkerServer server = StageWorkerServer.start(WorkerAddress.parse(args[0]), new WorkerSecurity(token, tls), stages,
                System.out::println);
        System.out.println(READY + server.address());
        System.out.flush();
        server.awaitTermination();
    }
}

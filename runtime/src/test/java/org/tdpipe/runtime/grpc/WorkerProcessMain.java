package org.tdpipe.runtime.grpc;

import java.util.Optional;
import org.tdpipe.runtime.LlamaStageComputation;
import org.tdpipe.runtime.StageFactory;
import org.tdpipe.runtime.StuckStage;

/**
 * A stage worker process for tests: {@code HOST:PORT TOKEN|- STUCK_AT}; prints the address it
 * bound, then serves. {@code STUCK_AT} > 0: its stage gets stuck on the batch of that number.
 */
public final class WorkerProcessMain {
    static final String READY = "listening on ";

    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Optional<String> token = args[1].equals("-") ? Optional.empty() : Optional.of(args[1]);
        int stuckAt = Integer.parseInt(args[2]);
        StageFactory stages = stuckAt > 0
                ? (source, range, resources) -> StuckStage.onBatchNumber(LlamaStageComputation.load(source, range, resources), stuckAt)
                : LlamaStageComputation::load;
        StageWorkerServer server = StageWorkerServer.start(WorkerAddress.parse(args[0]), token, stages, System.out::println);
        System.out.println(READY + server.address());
        System.out.flush();
        server.awaitTermination();
    }
}

package org.tdpipe.runtime.grpc;

import java.util.Optional;

/** A stage worker process for tests: {@code HOST:PORT [TOKEN]}; prints the address it bound, then serves. */
public final class WorkerProcessMain {
    static final String READY = "listening on ";

    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StageWorkerServer server = StageWorkerServer.start(WorkerAddress.parse(args[0]),
                args.length > 1 ? Optional.of(args[1]) : Optional.empty(), System.out::println);
        System.out.println(READY + server.address());
        System.out.flush();
        server.awaitTermination();
    }
}

package org.tdpipe.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.request.Request;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.EngineDriver;
import org.tdpipe.runtime.LayerPartitioner;
import org.tdpipe.runtime.StageCosts;
import org.tdpipe.runtime.StageResources;
import org.tdpipe.runtime.Stories260K;
import org.tdpipe.runtime.WorkerFailurePolicy;

/** Worker processes serving TLS: the whole pipeline (controller to workers, worker to worker) encrypted and verified. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsWorkersTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "Lily and Tom");
    private static final StageResources RESOURCES = EngineDriver.RESOURCES;
    private static final Optional<String> TOKEN = Optional.of("s3cret");

    @TempDir
    static Path dir;
    private static SelfSignedCertificate workers;
    private static SelfSignedCertificate stranger;
    private final List<WorkerProcess> processes = new ArrayList<>();

    @BeforeAll
    static void certificates() {
        workers = SelfSignedCertificate.create(dir, "worker");
        stranger = SelfSignedCertificate.create(dir, "stranger");
    }

    @AfterEach
    void killWorkers() {
        processes.forEach(WorkerProcess::close);
    }

    private List<WorkerAddress> startTlsWorkers(int n) {
        WorkerSecurity security = new WorkerSecurity(TOKEN, Optional.of(WorkerTls.worker(workers.cert(), workers.cert(), workers.key())));
        List<WorkerAddress> addresses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WorkerProcess p = new WorkerProcess(0, security, 0);
            processes.add(p);
            addresses.add(p.address());
        }
        return addresses;
    }

    private static RemoteExecutor connect(ModelSource source, List<WorkerAddress> workers, WorkerSecurity security) {
        return new RemoteExecutor(source, LayerPartitioner.balanced(StageCosts.of(source.config(), 0.5), workers.size()), workers,
                List.of(), RESOURCES, security, FaultTimeouts.DEFAULT, WorkerFailurePolicy.SHUTDOWN);
    }

    @Test
    void greedyOutputsOverTlsMatchOneLocalStage() {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            List<WorkerAddress> addresses = startTlsWorkers(2);
            try (RemoteExecutor executor = connect(source, addresses, new WorkerSecurity(TOKEN, Optional.of(WorkerTls.caller(workers.cert()))))) {
                EngineDriver.run(source, executor, "pp-vllm", requests);
            }
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void aPlaintextOrUntrustingControllerIsRefusedNamingTheWorker() {
        try (ModelSource source = Stories260K.open()) {
            List<WorkerAddress> addresses = startTlsWorkers(1);
            IllegalArgumentException plaintext = assertThrows(IllegalArgumentException.class,
                    () -> connect(source, addresses, new WorkerSecurity(TOKEN, Optional.empty())));
            assertTrue(plaintext.getMessage().contains("handshake with worker " + addresses.getFirst()), plaintext.getMessage());
            assertTrue(plaintext.getMessage().contains("UNAVAILABLE"), plaintext.getMessage());
            assertTrue(plaintext.getMessage().contains("if the worker serves TLS, give --tls-ca"), plaintext.getMessage());
            IllegalArgumentException untrusted = assertThrows(IllegalArgumentException.class,
                    () -> connect(source, addresses, new WorkerSecurity(TOKEN, Optional.of(WorkerTls.caller(stranger.cert())))));
            assertTrue(untrusted.getMessage().contains("handshake with worker " + addresses.getFirst()), untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("TLS failed: "), untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("signed by --tls-ca"), untrusted.getMessage());
        }
    }

    @Test
    void missingOrMalformedPemFilesAreNamed() throws IOException {
        Path missing = dir.resolve("missing.pem");
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> WorkerTls.caller(missing));
        assertTrue(absent.getMessage().contains("--tls-ca " + missing + ": no such readable file"), absent.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new WorkerTls(workers.cert(), Optional.of(workers.cert()), Optional.empty()), "cert without key");

        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not a certificate\n");
        IllegalArgumentException ca = assertThrows(IllegalArgumentException.class, () -> WorkerTls.caller(garbage));
        assertTrue(ca.getMessage().contains("--tls-ca " + garbage + ": not a PEM certificate file"), ca.getMessage());
        IllegalArgumentException cert = assertThrows(IllegalArgumentException.class,
                () -> WorkerTls.worker(workers.cert(), garbage, workers.key()));
        assertTrue(cert.getMessage().contains("--tls-cert " + garbage + ": not a PEM certificate file"), cert.getMessage());

        WorkerSecurity badKey = new WorkerSecurity(Optional.empty(), Optional.of(WorkerTls.worker(workers.cert(), workers.cert(), garbage)));
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> StageWorkerServer.start(new WorkerAddress("127.0.0.1", 0), badKey, (s, r, res, shard, sum) -> {
                    throw new AssertionError("never loaded");
                }, message -> { }));
        assertTrue(key.getMessage().contains("--tls-key " + garbage), key.getMessage());
    }
}

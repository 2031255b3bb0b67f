package org.tdpipe.runtime.grpc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real stage worker process on loopback, started with this test JVM's java binary and class
 * path on a given port, or on a free one (the worker binds port 0 and prints the address it got).
 */
final class WorkerProcess implements AutoCloseable {
    private final Process process;
    private final WorkerAddress address;
    private final List<String> output = new ArrayList<>();

    WorkerProcess(Optional<String> token) {
        this(0, new WorkerSecurity(token, Optional.empty()), 0);
    }

    /** On {@code port} (0: any free one); {@code stuckAt} > 0: its stage gets stuck on the batch of that number. */
    WorkerProcess(int port, WorkerSecurity security, int stuckAt) {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java binary"));
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xss4m",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                WorkerProcessMain.class.getName(), "127.0.0.1:" + port, security.token().orElse("-"), Integer.toString(stuckAt)));
        security.tls().ifPresent(tls -> command.addAll(List.of(tls.trustedCerts().toString(),
                tls.certChain().orElseThrow().toString(), tls.privateKey().orElseThrow().toString())));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        address = awaitReady(lines);
        Thread.ofPlatform().daemon().name("worker-output").start(() -> drain(lines));
    }

    private WorkerAddress awaitReady(BufferedReader lines) {
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                record(line);
                if (line.startsWith(WorkerProcessMain.READY)) {
                    return WorkerAddress.parse(line.substring(WorkerProcessMain.READY.length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("worker process exited before listening: " + output());
    }

    private void drain(BufferedReader lines) {
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                record(line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private synchronized void record(String line) {
        output.add(line);
    }

    synchronized List<String> output() {
        return List.copyOf(output);
    }

    WorkerAddress address() {
        return address;
    }

    void kill() {
        process.destroyForcibly();
    }

    /** Freezes the process (SIGSTOP): it keeps its connections but answers nothing, like a hung host. */
    void suspend() {
        try {
            new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

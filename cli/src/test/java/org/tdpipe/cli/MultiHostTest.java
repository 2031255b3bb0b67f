package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/hosts.sh} test hosts (network namespaces on one machine, needs root): the links
 * are shaped to the rate asked, and a real two-worker gRPC pipeline across three hosts generates
 * what one process does.
 */
class MultiHostTest {
    private static final Path HOSTS = Path.of("..", "scripts", "hosts.sh").toAbsolutePath().normalize();
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void requireRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(uid.equals("0"), "test hosts need root (network namespaces); skipping");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "test hosts need ip and tc (iproute2); skipping");
    }

    @AfterEach
    void down() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        run(HOSTS.toString(), "down");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static String addr(int host) throws IOException, InterruptedException {
        return run(HOSTS.toString(), "addr", String.valueOf(host)).strip();
    }

    /** This JVM's classes run in test host {@code host}. */
    private static List<String> java(int host, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(HOSTS.toString(), "exec", String.valueOf(host),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private Process start(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private static void awaitLine(Path log, String text) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertTrue(System.nanoTime() < giveUp, "no '" + text + "' in " + log + ": "
                    + (Files.exists(log) ? Files.readString(log) : "(empty)"));
            Thread.sleep(50);
        }
    }

    @Test
    void aLinkCarriesDataAtTheRateAsked(@TempDir Path dir) throws Exception {
        run(HOSTS.toString(), "up", "2", "--link", "80mbit");
        Path sinkLog = dir.resolve("sink.log");
        start(java(2, LinkProbe.class.getName(), "sink", "9300"), sinkLog);
        awaitLine(sinkLog, "listening");
        long bytes = 4_000_000;
        String millis = run(java(1, LinkProbe.class.getName(), "send", addr(2), "9300", String.valueOf(bytes)).toArray(String[]::new));
        double mbit = bytes * 8 / 1e6 / (Long.parseLong(millis.strip().lines().reduce((a, b) -> b).orElseThrow()) / 1e3);
        assertTrue(mbit > 50 && mbit < 85, "80 Mbit/s asked, " + mbit + " Mbit/s measured");
        assertTrue(run(HOSTS.toString(), "status").contains("rate 80Mbit"));
    }

    @Test
    void aPipelineOfWorkersOnTwoHostsGeneratesWhatOneProcessDoes(@TempDir Path dir) throws Exception {
        String root = System.getProperty("tdpipe.shared.data");
        assumeTrue(root != null, "tdpipe.shared.data not set; skipping");
        Path file = Path.of(root, "models", "stories260K", "stories260K.gguf").toAbsolutePath();
        assumeTrue(Files.exists(file), file + " absent; skipping");
        String model = file.toString();
        run(HOSTS.toString(), "up", "2", "--link", "1gbit");
        List<String> workers = new ArrayList<>();
        for (int host = 1; host <= 2; host++) {
            Path log = dir.resolve("worker-" + host + ".log");
            String listen = addr(host) + ":9101";
            start(java(host, TdpipeCommand.class.getName(), "worker", "--listen", listen), log);
            awaitLine(log, "listening on");
            workers.add(listen);
        }
        String[] generate = {"generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "24", "--temperature", "0"};
        String remote = run(java(0, TdpipeCommand.class.getName(), concat(generate, "--executor", "grpc", "--workers",
                String.join(",", workers))).toArray(String[]::new));
        ByteArrayOutputStream local = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(local, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, TdpipeCommand.execute(concat(generate, "--stages", "2")));
        } finally {
            System.setOut(old);
        }
        String expected = local.toString(StandardCharsets.UTF_8).strip();
        assertTrue(!expected.isEmpty() && remote.contains(expected), "across hosts: " + remote + "\nin one process: " + expected);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

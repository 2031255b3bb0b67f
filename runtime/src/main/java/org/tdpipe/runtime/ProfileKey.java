package org.tdpipe.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelConfig;

/**
 * What a measured profile depends on, as the key of its cache entry: the model (a {@code dummy:}
 * name, or the file's absolute path, size and modification time — every file's, for a folder — and
 * its configuration), the hardware (CPU model, processors, JVM) and the measurement (what was
 * measured, threads per stage, layer split, sizes). Equal keys mean a cached profile can stand in
 * for a new measurement.
 */
public record ProfileKey(String model, String hardware, String measurement) {
    /** The key of a measurement of {@code modelSpec} on this machine. */
    public static ProfileKey of(String modelSpec, ModelConfig config, String measurement) {
        return new ProfileKey(modelIdentity(modelSpec) + "; " + config, Hardware.describe(), measurement);
    }

    static String modelIdentity(String spec) {
        if (spec.startsWith(DummyModelSource.PREFIX)) {
            return spec;
        }
        Path path = Path.of(spec).toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    List<String> parts = files.filter(Files::isRegularFile).sorted().map(ProfileKey::fileIdentity).toList();
                    return path + " [" + String.join(", ", parts) + "]";
                }
            }
            return fileIdentity(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + spec + " to key its profile", e);
        }
    }

    private static String fileIdentity(Path file) {
        try {
            return file + " (" + Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file).toMillis() + ")";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file " + file + " to key its profile", e);
        }
    }

    /** The key spelled out, one part a line (stored next to the cached profile). */
    public String describe() {
        return "model: " + model + "\nhardware: " + hardware + "\nmeasurement: " + measurement + "\n";
    }

    /** A file-name-safe digest of the key. */
    public String digest() {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(describe().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This machine as far as a profile is concerned. */
    static final class Hardware {
        private Hardware() {
        }

        static String describe() {
            return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " processors, " + System.getProperty("os.arch")
                    + ", " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version");
        }

        private static String cpuModel() {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .orElse("unknown CPU");
            } catch (IOException | UncheckedIOException e) {
                return "unknown CPU";
            }
        }
    }
}

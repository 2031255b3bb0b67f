package org.tdpipe.core.predict.learned;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The binary model file, big-endian: the magic {@code TDPLEN}, a format version (int), the
 * training mean (double), the bucket count n (int) and n+1 edges (int), the hash bits (int), the
 * n × dimension weights (double, class-major), and a CRC-32 of everything before it (long).
 */
public final class LengthModelFile {
    private static final byte[] MAGIC = {'T', 'D', 'P', 'L', 'E', 'N'};
    private static final int VERSION = 1;

    private LengthModelFile() {
    }

    public static void write(Path file, LengthModel model) {
        try {
            Files.write(file, toBytes(model));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write length model (" + e.getMessage() + ")", e);
        }
    }

    public static byte[] toBytes(LengthModel model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeDouble(model.trainingMean());
            int[] edges = model.edges();
            out.writeInt(edges.length - 1);
            for (int e : edges) {
                out.writeInt(e);
            }
            out.writeInt(model.encoder().hashBits());
            for (double w : model.weights()) {
                out.writeDouble(w);
            }
            out.writeLong(crc(bytes.toByteArray(), bytes.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static LengthModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
            throw new UncheckedIOException(file + ": cannot read length model (" + why + ")", e);
        }
        return fromBytes(bytes, file.toString());
    }

    /** Parses a model; errors name {@code source}. */
    public static LengthModel fromBytes(byte[] bytes, String source) {
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new LengthModelFormatException(source + ": not a tdpipe length model (missing 'TDPLEN' header)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length, bytes.length - MAGIC.length))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new LengthModelFormatException(source + ": length model format version " + version
                        + " is not supported (expected " + VERSION + ")");
            }
            double mean = in.readDouble();
            int buckets = in.readInt();
            if (buckets < 1 || buckets > 256) {
                throw new LengthModelFormatException(source + ": bucket count " + buckets + " is not in [1, 256]");
            }
            int[] edges = new int[buckets + 1];
            for (int i = 0; i <= buckets; i++) {
                edges[i] = in.readInt();
                if (edges[i] < 0 || (i > 0 && edges[i] <= edges[i - 1])) {
                    throw new LengthModelFormatException(source + ": bucket edges are not increasing at edge " + i);
                }
            }
            int hashBits = in.readInt();
            if (hashBits < 0 || hashBits > 24) {
                throw new LengthModelFormatException(source + ": hash bits " + hashBits + " not in [0, 24]");
            }
            FeatureEncoder encoder = new FeatureEncoder(hashBits);
            long expected = (long) buckets * encoder.dimension();
            if (in.available() != expected * Double.BYTES + Long.BYTES) {
                throw new LengthModelFormatException(source + ": truncated or padded length model: " + in.available()
                        + " bytes of weights and checksum, expected " + (expected * Double.BYTES + Long.BYTES));
            }
            double[] weights = new double[(int) expected];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = in.readDouble();
            }
            long stored = in.readLong();
            if (stored != crc(bytes, bytes.length - Long.BYTES)) {
                throw new LengthModelFormatException(source + ": length model is corrupted (checksum mismatch)");
            }
            return new LengthModel(edges, encoder, new SoftmaxRegression(buckets, encoder.dimension(), weights), mean);
        } catch (EOFException e) {
            throw new LengthModelFormatException(source + ": length model is truncated (" + bytes.length + " bytes)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(ByteBuffer.wrap(bytes, 0, length));
        return crc.getValue();
    }
}

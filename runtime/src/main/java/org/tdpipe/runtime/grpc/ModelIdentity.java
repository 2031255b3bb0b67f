package org.tdpipe.runtime.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelConfig;

/**
 * What a model file is, as controller and workers compare it before a worker loads its layers:
 * file name, size, a hash of its first bytes (the GGUF header and metadata) and the model version
 * (architecture and dimensions). A {@code dummy:} model is identified by its name and version.
 */
record ModelIdentity(String fileName, long size, String headerSha256, String version) {
    /** Bytes hashed from the start of the file: the header and metadata of any model we load. */
    static final int HASHED_BYTES = 1 << 20;

    static ModelIdentity of(String spec, ModelConfig config) {
        String version = config.architecture() + " " + config.numLayers() + " layers, dim " + config.dim()
                + ", vocab " + config.vocabSize();
        if (spec.startsWith(DummyModelSource.PREFIX)) {
            return new ModelIdentity(spec, 0, "", version);
        }
        Path path = Path.of(spec);
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(in.readNBytes(HASHED_BYTES));
            return new ModelIdentity(path.getFileName().toString(), Files.size(path), HexFormat.of().formatHex(sha.digest()),
                    version);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file " + spec, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    org.tdpipe.runtime.grpc.proto.ModelIdentity toProto() {
        return org.tdpipe.runtime.grpc.proto.ModelIdentity.newBuilder().setFileName(fileName).setSize(size)
                .setHeaderSha256(headerSha256).setVersion(version).build();
    }

    static ModelIdentity fromProto(org.tdpipe.runtime.grpc.proto.ModelIdentity p) {
        return new ModelIdentity(p.getFileName(), p.getSize(), p.getHeaderSha256(), p.getVersion());
    }

    @Override
    public String toString() {
        return fileName + " (" + size + " bytes, header sha256 "
                + (headerSha256.isEmpty() ? "-" : headerSha256.substring(0, Math.min(12, headerSha256.length())))
                + ", " + version + ")";
    }
}

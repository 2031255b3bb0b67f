package org.tdpipe.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;

/** PEM files given on the command line (TLS of the workers and of the server), read and checked at start-up with errors naming the flag. */
public final class PemFiles {
    private PemFiles() {
    }

    public static void requireReadable(Path file, String flag) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(flag + " " + file + ": no such readable file");
        }
    }

    /** The X.509 certificates in {@code file}, in order (at least one). */
    public static List<Certificate> certificates(Path file, String flag) {
        requireReadable(file, flag);
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return chain;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(flag + " " + file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
    }
}

package org.tdpipe.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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

    /** A TLS client context that trusts exactly the certificates in {@code file} (e.g. a private CA). */
    public static SSLContext trusting(Path file, String flag) {
        List<Certificate> trusted = certificates(file, flag);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("trusted-" + i, trusted.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot trust its certificates: " + e.getMessage(), e);
        }
    }
}

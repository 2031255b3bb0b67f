package org.tdpipe.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.tdpipe.runtime.PemFiles;

/**
 * HTTPS for {@code tdpipe serve} from PEM files (vLLM's {@code --ssl-certfile} / {@code --ssl-keyfile}):
 * the server's certificate chain and its unencrypted PKCS#8 private key (RSA or EC), read and
 * checked when the configuration is made.
 */
public record ServerTls(Path certFile, Path keyFile) {
    private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----(.+?)-----END PRIVATE KEY-----", Pattern.DOTALL);
    private static final char[] IN_MEMORY_PASSWORD = "tdpipe".toCharArray();

    public ServerTls {
        keyStore(certFile, keyFile);
    }

    /** Jetty's TLS for the HTTPS connector. */
    SslContextFactory.Server sslContextFactory() {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(keyStore(certFile, keyFile));
        factory.setKeyStorePassword(new String(IN_MEMORY_PASSWORD));
        return factory;
    }

    private static KeyStore keyStore(Path certFile, Path keyFile) {
        List<Certificate> chain = PemFiles.certificates(certFile, "--ssl-certfile");
        PrivateKey key = privateKey(keyFile);
        if (!signsFor(key, chain.getFirst())) {
            throw new IllegalArgumentException("--ssl-keyfile " + keyFile + " is not the private key of the certificate in --ssl-certfile "
                    + certFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the HTTPS key in memory: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        PemFiles.requireReadable(file, "--ssl-keyfile");
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--ssl-keyfile " + file + ": cannot read it: " + e.getMessage(), e);
        }
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("--ssl-keyfile " + file + ": no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----) in it; "
                    + "convert one with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem'");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("--ssl-keyfile " + file + ": not an RSA or EC private key");
    }

    /** Whether what {@code key} signs, the certificate's public key verifies. */
    private static boolean signsFor(PrivateKey key, Certificate cert) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "tdpipe".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key with an RSA certificate
        }
    }
}

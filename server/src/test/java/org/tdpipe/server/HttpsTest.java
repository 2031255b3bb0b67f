package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.runtime.PemFiles;
import org.tdpipe.runtime.grpc.SelfSignedCertificate;

/** {@code serve --ssl-certfile --ssl-keyfile}: HTTPS only, and PEM files that are missing or wrong named at start-up. */
class HttpsTest {
    @TempDir
    Path dir;

    private static SSLContext trusting(Path cert) {
        return PemFiles.trusting(cert, "--ca-cert");
    }

    @Test
    void completionsAreServedOverHttpsAndPlainHttpIsNot() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "server");
        try (Stories260KServer server = Stories260KServer.startTls(new ServerTls(cert.cert(), cert.key()))) {
            HttpResponse<String> r = HttpClient.newBuilder().sslContext(trusting(cert.cert())).build().send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.server.port() + "/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": 4, \"ignore_eos\": true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = new ObjectMapper().readTree(r.body());
            assertEquals(4, body.get("usage").get("completion_tokens").asInt());
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString()),
                    "no plaintext listener");
        }
    }

    @Test
    void aNonStreamingClientThatDisconnectsOverHttpsHasItsRequestAborted() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "server");
        try (Stories260KServer server = Stories260KServer.startTls(new ServerTls(cert.cert(), cert.key()))) {
            server.gate.hold();
            try (SSLSocket socket = (SSLSocket) trusting(cert.cert()).getSocketFactory().createSocket("127.0.0.1", server.server.port())) {
                socket.getOutputStream().write(Stories260KServer.post("{\"prompt\": \"Once upon a time\", \"max_tokens\": 1000, \"ignore_eos\": true}"));
                server.gate.release(3);
                Stories260KServer.await(() -> server.gate.engineWaiting() && server.server.engine().stats().usedBlocks() > 0,
                        "the request is running");
            }
            server.stepUntilTheRequestIsAborted();
            server.gate.open();
        }
    }

    @Test
    void missingOrMalformedPemFilesAreNamed() throws IOException {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "server");
        Path missing = dir.resolve("missing.pem");
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> new ServerTls(missing, cert.key()));
        assertTrue(absent.getMessage().contains("--ssl-certfile " + missing + ": no such readable file"), absent.getMessage());
        Path pkcs1 = dir.resolve("rsa.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        IllegalArgumentException oldFormat = assertThrows(IllegalArgumentException.class, () -> new ServerTls(cert.cert(), pkcs1));
        assertTrue(oldFormat.getMessage().contains("no unencrypted PKCS#8 key"), oldFormat.getMessage());
        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class, () -> new ServerTls(cert.key(), cert.cert()));
        assertTrue(swapped.getMessage().contains("--ssl-certfile " + cert.key() + ": "), swapped.getMessage());
        SelfSignedCertificate other = SelfSignedCertificate.create(dir, "other");
        IllegalArgumentException mismatched = assertThrows(IllegalArgumentException.class, () -> new ServerTls(cert.cert(), other.key()));
        assertTrue(mismatched.getMessage().contains("--ssl-keyfile " + other.key() + " is not the private key of the certificate"),
                mismatched.getMessage());
    }
}

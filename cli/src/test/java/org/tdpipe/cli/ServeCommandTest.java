package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServeCommandTest {
    @Test
    void aBusyPortIsOneLineNotAStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = TdpipeCommand.execute("serve", "--model", "dummy:llama-260k", "--port",
                        String.valueOf(taken.getLocalPort()));
            } finally {
                System.setErr(old);
            }
            String out = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, out);
            assertTrue(out.contains("tdpipe: port " + taken.getLocalPort() + " on 127.0.0.1 is in use"), out);
            assertTrue(out.lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + out);
        }
    }
}

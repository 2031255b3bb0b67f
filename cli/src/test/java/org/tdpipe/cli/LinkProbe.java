package org.tdpipe.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A process for {@link MultiHostTest} to run inside a test host: {@code sink PORT} accepts one
 * connection and reads it to its end; {@code send HOST PORT BYTES} sends that many bytes and prints
 * how many milliseconds it took until the sink had them all.
 */
public final class LinkProbe {
    private LinkProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("sink")) {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(Integer.parseInt(args[1])));
                System.out.println("listening");
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                    out.write(1);
                }
            }
            return;
        }
        long bytes = Long.parseLong(args[3]);
        try (Socket s = new Socket(args[1], Integer.parseInt(args[2]))) {
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < bytes; sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
            }
            s.shutdownOutput();
            if (s.getInputStream().read() != 1) {
                throw new IllegalStateException("the sink did not confirm");
            }
            System.out.println((System.nanoTime() - start) / 1_000_000);
        }
    }
}

package org.tdpipe.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;

/**
 * Notices a client that closes its HTTP/1.1 connection while its request is being generated.
 *
 * <p>Jetty reads nothing from an HTTP/1.1 connection between the end of a request's body and the
 * end of its response, so neither its failure listeners nor {@code EndPoint.isOpen()} learn of a
 * client that went away: a non-streaming request would run to completion and hold its KV blocks.
 * This watcher registers the connection's socket with a selector of its own (a channel may be
 * registered with several selectors; Jetty's is left untouched). When the socket turns readable it
 * reads once through the endpoint the HTTP connection reads from (over TLS, the decrypting one): end
 * of stream means the client is gone; bytes mean the client pipelined its next request, which are
 * handed back to the connection ({@link Connection.UpgradeTo}, the same path an upgrade takes) and
 * the watch ends, so nothing is lost; nothing (a TLS record without data) keeps the watch.
 */
final class DisconnectWatcher implements AutoCloseable {
    /** A watch over one request; closing it before the response is written stops every read. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private static final Watch NOTHING_TO_WATCH = () -> {};
    private static final int READ_SIZE = 4096;

    private final Selector selector;
    private final Queue<ChannelWatch> toRegister = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    DisconnectWatcher() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for client disconnects", e);
        }
        thread = Thread.ofPlatform().daemon().name("tdpipe-disconnect-watcher").start(this::loop);
    }

    /**
     * Calls {@code onDisconnect} (once, on the watcher's thread) if the client of {@code ctx} closes its
     * connection before the watch is closed. The request's body must have been read. Connections
     * that are not HTTP/1.1 over a socket are not watched.
     */
    Watch watch(Context ctx, Runnable onDisconnect) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        Connection connection = request == null ? null : request.getConnectionMetaData().getConnection();
        if (closed || !(connection instanceof Connection.UpgradeTo pushBack)) {
            return NOTHING_TO_WATCH;
        }
        EndPoint socket = connection.getEndPoint();
        while (socket instanceof EndPoint.Wrapper wrapper) {
            socket = wrapper.unwrap();
        }
        if (!(socket instanceof SelectableChannelEndPoint channel)) {
            return NOTHING_TO_WATCH;
        }
        ChannelWatch watch = new ChannelWatch(connection.getEndPoint(), channel.getChannel(), pushBack, onDisconnect);
        toRegister.add(watch);
        selector.wakeup();
        return watch;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        selector.wakeup();
        thread.join();
    }

    private void loop() {
        try (selector) {
            while (!closed) {
                selector.select();
                for (ChannelWatch w; (w = toRegister.poll()) != null;) {
                    w.register(selector);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ((ChannelWatch) key.attachment()).onReadable();
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            closed = true; // watching stops; requests then run to completion as if nobody had left
        }
    }

    private static final class ChannelWatch implements Watch {
        private final EndPoint endPoint;
        private final SelectableChannel channel;
        private final Connection.UpgradeTo pushBack;
        private final Runnable onDisconnect;
        private SelectionKey key;
        private boolean done;

        /** {@code endPoint}: what the HTTP connection reads from; {@code channel}: the socket under it. */
        ChannelWatch(EndPoint endPoint, SelectableChannel channel, Connection.UpgradeTo pushBack, Runnable onDisconnect) {
            this.endPoint = endPoint;
            this.channel = channel;
            this.pushBack = pushBack;
            this.onDisconnect = onDisconnect;
        }

        synchronized void register(Selector selector) {
            if (done) {
                return;
            }
            try {
                key = channel.register(selector, SelectionKey.OP_READ, this);
            } catch (ClosedChannelException e) {
                finish();
                onDisconnect.run();
            }
        }

        void onReadable() {
            if (readEndOfStream()) {
                onDisconnect.run();
            }
        }

        private synchronized boolean readEndOfStream() {
            if (done) {
                return false;
            }
            ByteBuffer read = ByteBuffer.allocate(READ_SIZE).limit(0); // Jetty fills buffers in flush mode
            int n;
            try {
                n = endPoint.fill(read);
            } catch (IOException e) {
                n = -1;
            }
            if (n == 0) {
                return false;
            }
            finish();
            if (n > 0) {
                pushBack.onUpgradeTo(read);
            }
            return n < 0;
        }

        @Override
        public synchronized void close() {
            finish();
        }

        private void finish() {
            done = true;
            if (key != null) {
                key.cancel();
                // a channel Jetty closes stays open until every selector has dropped its cancelled key
                key.selector().wakeup();
            }
        }
    }
}

package org.tdpipe.runtime.grpc;

/** Where a stage worker listens: {@code host:port}. */
public record WorkerAddress(String host, int port) {
    public WorkerAddress {
        if (host.isBlank()) {
            throw new IllegalArgumentException("worker address needs a host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("worker port must be in 0..65535, got " + port);
        }
    }

    /** Parses {@code host:port} ({@code [v6-host]:port} for IPv6). */
    public static WorkerAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("worker address '" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new WorkerAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("worker address '" + text + "': port is not a number", e);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

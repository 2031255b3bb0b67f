package org.tdpipe.server;

import java.util.Optional;

/**
 * A request the server refuses, answered with {@code status} and an OpenAI-style error body
 * {@code {"error": {"message", "type", "param", "code"}}}.
 *
 * @see ErrorBody
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final Integer retryAfterSeconds;

    private ApiException(int status, String type, String message, String param, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: field {@code param} (null when no single field is at fault) is wrong. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", message, param, null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "authentication_error", "invalid or missing API key (Authorization: Bearer <key>)",
                null, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found_error", message, null, null);
    }

    /** Longest model name quoted back in a 404. */
    private static final int MAX_MODEL_SHOWN = 200;

    /** 404 for a model the server does not serve, with vLLM's message, type and param. */
    public static ApiException modelNotFound(String model) {
        String shown = model.length() > MAX_MODEL_SHOWN ? model.substring(0, MAX_MODEL_SHOWN) + "..." : model;
        return new ApiException(404, "NotFoundError", "The model `" + shown + "` does not exist.", "model", null);
    }

    /** Any other refusal with its HTTP status: a client error below 500, a server error from 500. */
    public static ApiException withStatus(int status, String message) {
        return new ApiException(status, status < 500 ? "invalid_request_error" : "internal_error", message, null, null);
    }

    /** 413: the request body is over the server's limit. */
    public static ApiException tooLarge(String message) {
        return new ApiException(413, "invalid_request_error", message, null, null);
    }

    /** 429: the waiting queue is full; the client should retry after {@code seconds}. */
    public static ApiException tooManyRequests(String message, int seconds) {
        return new ApiException(429, "rate_limit_error", message, null, seconds);
    }

    /** 503: the server is shutting down or its engine failed. */
    public static ApiException unavailable(String message) {
        return new ApiException(503, "service_unavailable", message, null, null);
    }

    /** 500: a request the engine could not complete (e.g. a stage worker failed). */
    public static ApiException internal(String message) {
        return new ApiException(500, "internal_error", message, null, null);
    }

    public int status() {
        return status;
    }

    public ErrorBody body() {
        return new ErrorBody(getMessage(), type, param, status);
    }

    public Optional<Integer> retryAfterSeconds() {
        return Optional.ofNullable(retryAfterSeconds);
    }
}

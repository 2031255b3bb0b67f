package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The progress of a batch run on stderr: requests done of all, output tokens per second and the
 * time left. All requests run together and tend to finish late, so the time left is not
 * extrapolated from requests done but from tokens: the {@code max_tokens} budget still open (a
 * finished request gives back what it did not use) at the rate so far — an upper bound that is
 * exact when every request runs to its limit. On a terminal a bar redrawn in place (at most every {@value #REDRAW_MILLIS} ms); else
 * a plain line at every tenth of the work, so logs stay short.
 */
final class BatchProgress implements GenerationRun.Observer {
    /** How progress is shown. */
    enum Style {
        /** A bar on a terminal, lines otherwise. */
        auto,
        bar,
        lines,
        none
    }

    private static final long REDRAW_MILLIS = 200;
    private static final int BAR_WIDTH = 30;

    private final PrintStream err;
    private final Style style;
    private final int total;
    private final Map<String, Integer> maxTokens;
    private long budget;
    private final LongSupplier nanos;
    private final long start;
    private int done;
    private long tokens;
    private long lastDraw = Long.MIN_VALUE;
    private int lastTenth;

    /** {@code style} must be resolved (not auto); {@code nanos}: the clock. */
    BatchProgress(PrintStream err, Style style, List<GenerationRun.Item> items, LongSupplier nanos) {
        if (style == Style.auto) {
            throw new IllegalArgumentException("resolve the progress style first");
        }
        this.err = err;
        this.style = style;
        this.total = items.size();
        this.maxTokens = new HashMap<>();
        for (GenerationRun.Item item : items) {
            int lineBudget = item.entry().n() * item.entry().sampling().maxTokens();
            maxTokens.put(item.entry().id(), lineBudget);
            budget += lineBudget;
        }
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    /** A bar when this process talks to a terminal, else plain lines. */
    static Style resolve(Style style) {
        if (style != Style.auto) {
            return style;
        }
        return System.console() != null && System.console().isTerminal() ? Style.bar : Style.lines;
    }

    @Override
    public void onToken() {
        tokens++;
        if (style == Style.bar) {
            redraw(false);
        }
    }

    @Override
    public void onCompletion(Completion completion) {
        done++;
        budget -= Math.max(0, maxTokens.getOrDefault(completion.id(), 0) - completion.completionTokens());
        switch (style) {
            case bar -> redraw(done == total);
            case lines -> {
                int tenth = total == 0 ? 10 : (int) (10L * done / total);
                if (tenth > lastTenth) {
                    lastTenth = tenth;
                    err.println(status());
                }
            }
            case none, auto -> {
            }
        }
    }

    /** Ends the bar's line. */
    void finish() {
        if (style == Style.bar && lastDraw != Long.MIN_VALUE) {
            redraw(true);
            err.println();
        }
    }

    /** E.g. {@code 37/100 requests | 512.3 tok/s | ETA 0:12}. */
    String status() {
        double seconds = Math.max(1e-9, (nanos.getAsLong() - start) / 1e9);
        String eta = tokens == 0 ? "?" : duration(Math.max(0, budget - tokens) * seconds / tokens);
        return String.format(Locale.ROOT, "%d/%d requests | %.1f tok/s | ETA %s", done, total, tokens / seconds, eta);
    }

    private void redraw(boolean force) {
        long now = nanos.getAsLong();
        if (!force && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_MILLIS * 1_000_000) {
            return;
        }
        lastDraw = now;
        int filled = total == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * done / total);
        err.print("\r[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + status() + "   ");
        err.flush();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}

package org.tdpipe.sim.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.timeline.BubbleAttribution;
import org.tdpipe.core.timeline.BubbleCause;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.core.timeline.TimelineStats;

/**
 * Draws pipeline timelines as a PNG (java.awt, headless): for each run one lane per stage, time on
 * x (each run on its own axis, from 0 to its elapsed time or over a chosen window), prefill,
 * decode and mixed spans in distinct colours, idle time light grey tinted by its
 * {@link BubbleCause}; then a bar chart of output tokens/s per run and a stacked bar per run of its
 * idle time by cause. Spans and idle intervals are accumulated into per-pixel fractions, so a run
 * of 100k spans costs O(spans + pixels), and pixels that are only partly busy come out lighter —
 * bubbles shorter than a pixel stay visible.
 */
public final class TimelineChart {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** One run to draw: a policy's timeline, its elapsed time and its output throughput. */
    public record Run(String name, Timeline timeline, long elapsedNanos, double outputTokensPerSecond) {
        public Run {
            if (elapsedNanos <= 0) {
                throw new IllegalArgumentException("run '" + name + "': elapsed time must be > 0, got " + elapsedNanos + " ns");
            }
        }
    }

    /** A slice of engine time to draw, e.g. the first seconds of each run so bubbles are visible. */
    public record Window(long fromNanos, long toNanos) {
        public Window {
            if (fromNanos < 0 || toNanos <= fromNanos) {
                throw new IllegalArgumentException("empty time window [" + fromNanos + ", " + toNanos + ") ns");
            }
        }
    }

    static final Color PREFILL = new Color(0xE8, 0x8A, 0x2E);
    static final Color DECODE = new Color(0x3B, 0x7D, 0xD8);
    static final Color MIXED = new Color(0x8E, 0x5C, 0xC4);
    static final Color IDLE = new Color(0xEC, 0xEC, 0xEC);
    private static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color GRID = new Color(0xBB, 0xBB, 0xBB);
    private static final Phase[] PHASES = Phase.values();
    private static final BubbleCause[] CAUSES = BubbleCause.values();

    private static final int LEFT = 110;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int LANE = 22;
    private static final int LANE_GAP = 3;
    private static final int RUN_TITLE = 26;
    private static final int AXIS = 40;
    private static final int RUN_GAP = 14;
    private static final int BAR = 26;
    private static final int BAR_GAP = 8;
    private static final int BAR_TITLE = 40;

    private final int width;

    /** {@code width} in pixels; 1600 reads well. */
    public TimelineChart(int width) {
        if (width < LEFT + RIGHT + 100) {
            throw new IllegalArgumentException("chart width must be >= " + (LEFT + RIGHT + 100) + " px, got " + width);
        }
        this.width = width;
    }

    /** Writes timelines and the throughput bars of {@code runs} to {@code png}; {@code window} null = whole runs. */
    public void write(Path png, List<Run> runs, Window window) throws IOException {
        BufferedImage image = render(runs, window);
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available for " + png);
        }
    }

    /** Height in pixels of the image {@link #render} produces for these runs. */
    public int height(List<Run> runs) {
        int h = TOP;
        for (Run run : runs) {
            h += runHeight(run);
        }
        return h + 2 * (BAR_TITLE + runs.size() * (BAR + BAR_GAP)) + 20;
    }

    public BufferedImage render(List<Run> runs, Window window) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to draw");
        }
        BufferedImage image = new BufferedImage(width, height(runs), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            drawLegend(g, window);
            List<TimelineStats> stats = runs.stream().map(r -> r.timeline().stats(0, r.elapsedNanos())).toList();
            int y = TOP;
            for (int i = 0; i < runs.size(); i++) {
                drawRun(g, runs.get(i), stats.get(i), window, y);
                y += runHeight(runs.get(i));
            }
            drawThroughput(g, runs, y);
            drawBubbles(g, runs, stats, y + BAR_TITLE + runs.size() * (BAR + BAR_GAP));
        } finally {
            g.dispose();
        }
        return image;
    }

    private static int runHeight(Run run) {
        return RUN_TITLE + run.timeline().numStages() * (LANE + LANE_GAP) + AXIS + RUN_GAP;
    }

    private int plotWidth() {
        return width - LEFT - RIGHT;
    }

    private void drawLegend(Graphics2D g, Window window) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(INK);
        String title = window == null ? "Pipeline timeline (each run on its own time axis)"
                : String.format(Locale.ROOT, "Pipeline timeline, %s to %s", formatTime(window.fromNanos()), formatTime(window.toNanos()));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int x = width - RIGHT;
        Object[][] entries = {{"idle (tinted by cause, see below)", IDLE}, {"mixed", MIXED}, {"decode", DECODE},
            {"prefill", PREFILL}};
        for (Object[] e : entries) {
            String label = (String) e[0];
            x -= fm.stringWidth(label) + 26;
            drawKey(g, (Color) e[1], label, x, 10);
        }
    }

    private void drawRun(Graphics2D g, Run run, TimelineStats stats, Window window, int top) {
        long from = window == null ? 0 : window.fromNanos();
        long to = window == null ? run.elapsedNanos() : window.toNanos();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(INK);
        g.drawString(String.format(Locale.ROOT, "%s — elapsed %s, bubble ratio %.1f%%", run.name(),
                formatTime(run.elapsedNanos()), 100 * stats.bubbleRatio()), LEFT, top + 17);
        int stages = run.timeline().numStages();
        double[][][] cover = coverage(run.timeline(), stages, from, to);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < stages; s++) {
            int laneTop = top + RUN_TITLE + s * (LANE + LANE_GAP);
            g.setColor(INK);
            g.drawString("stage " + s, 10, laneTop + LANE - 6);
            for (int px = 0; px < cover[s].length; px++) {
                g.setColor(pixelColor(cover[s][px]));
                g.drawLine(LEFT + px, laneTop, LEFT + px, laneTop + LANE - 1);
            }
        }
        drawAxis(g, from, to, top + RUN_TITLE + stages * (LANE + LANE_GAP));
    }

    /**
     * cover[stage][pixel][k]: fraction of the pixel's time interval the stage spent on phase k
     * (k < number of phases) or idle for cause k − number of phases.
     */
    private double[][][] coverage(Timeline timeline, int stages, long from, long to) {
        int pixels = plotWidth();
        double nanosPerPixel = (double) (to - from) / pixels;
        double[][][] cover = new double[stages][pixels][PHASES.length + CAUSES.length];
        List<Span> spans = timeline.spans();
        for (Span span : spans) {
            accumulate(cover[span.stage()], span.phase().ordinal(), span.startNanos(), span.endNanos(), from, to,
                    nanosPerPixel);
        }
        new BubbleAttribution(stages, BubbleAttribution.DEFAULT_MAX_TOP_UP_BATCHES).forEachIdle(spans,
                timeline.starvations(), from, to, (stage, cause, a, b) -> accumulate(cover[stage],
                        PHASES.length + cause.ordinal(), a, b, from, to, nanosPerPixel));
        return cover;
    }

    private static void accumulate(double[][] lane, int k, long startNanos, long endNanos, long from, long to,
            double nanosPerPixel) {
        long start = Math.max(startNanos, from);
        long end = Math.min(endNanos, to);
        if (end <= start) {
            return;
        }
        double a = (start - from) / nanosPerPixel;
        double b = (end - from) / nanosPerPixel;
        for (int px = (int) a; px < lane.length && px < b; px++) {
            lane[px][k] += Math.min(b, px + 1) - Math.max(a, px);
        }
    }

    /** The dominant phase's colour, faded by the pixel's idle fraction towards the tint of its dominant idle cause. */
    private static Color pixelColor(double[] cover) {
        int phase = 0;
        double busy = 0;
        for (int p = 0; p < PHASES.length; p++) {
            busy += cover[p];
            if (cover[p] > cover[phase]) {
                phase = p;
            }
        }
        int cause = 0;
        for (int c = 1; c < CAUSES.length; c++) {
            if (cover[PHASES.length + c] > cover[PHASES.length + cause]) {
                cause = c;
            }
        }
        Color idle = idleTint(CAUSES[cause]);
        double f = Math.min(1, busy);
        if (f <= 0) {
            return idle;
        }
        Color c = switch (PHASES[phase]) {
            case PREFILL -> PREFILL;
            case DECODE -> DECODE;
            case MIXED -> MIXED;
        };
        return mix(idle, c, f);
    }

    /** Idle time in the lanes: plain light grey for fill/drain, a light tint of the cause's colour otherwise. */
    static Color idleTint(BubbleCause cause) {
        return cause == BubbleCause.FILL_DRAIN ? IDLE : mix(IDLE, causeColor(cause), 0.4);
    }

    private static Color mix(Color from, Color to, double f) {
        return new Color(mix(from.getRed(), to.getRed(), f), mix(from.getGreen(), to.getGreen(), f),
                mix(from.getBlue(), to.getBlue(), f));
    }

    private static int mix(int from, int to, double f) {
        return (int) Math.round(from + (to - from) * f);
    }

    private void drawAxis(Graphics2D g, long from, long to, int y) {
        int pixels = plotWidth();
        g.setColor(INK);
        g.drawLine(LEFT, y, LEFT + pixels, y);
        FontMetrics fm = g.getFontMetrics();
        double step = niceStep((to - from) / 8.0);
        double first = Math.ceil(from / step) * step;
        for (double t = first; t <= to; t += step) {
            int x = LEFT + (int) Math.round((t - from) / (to - from) * pixels);
            g.drawLine(x, y, x, y + 5);
            String label = formatTime((long) t);
            g.drawString(label, x - fm.stringWidth(label) / 2, y + 18);
        }
        String axisLabel = "time since start";
        g.drawString(axisLabel, LEFT + pixels - fm.stringWidth(axisLabel), y + 34);
    }

    private void drawThroughput(Graphics2D g, List<Run> runs, int top) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(INK);
        g.drawString("Output throughput (tokens/s)", 10, top + 24);
        double max = runs.stream().mapToDouble(Run::outputTokensPerSecond).max().orElse(0);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int maxBar = plotWidth() - 160;
        int y = top + BAR_TITLE;
        for (Run run : runs) {
            g.setColor(INK);
            g.drawString(run.name(), 10, y + BAR - 8);
            int len = max > 0 ? (int) Math.round(run.outputTokensPerSecond() / max * maxBar) : 0;
            g.setColor(DECODE);
            g.fillRect(LEFT, y, len, BAR);
            g.setColor(INK);
            String value = String.format(Locale.ROOT, "%.1f tok/s", run.outputTokensPerSecond());
            g.drawString(value, LEFT + len + 8, y + BAR - 8);
            y += BAR + BAR_GAP;
        }
        g.setColor(GRID);
        g.drawLine(LEFT, top + BAR_TITLE - 4, LEFT, y);
    }

    /** One bar per run, as long as its bubble ratio (the longest spans the plot), split by cause. */
    private void drawBubbles(Graphics2D g, List<Run> runs, List<TimelineStats> stats, int top) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(INK);
        String title = "Where the pipeline waits (idle % of stages × elapsed)";
        g.drawString(title, 10, top + 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int x = width - RIGHT;
        BubbleCause[] causes = BubbleCause.values();
        for (int i = causes.length - 1; i >= 0; i--) {
            x -= fm.stringWidth(causes[i].label()) + 26;
            drawKey(g, causeColor(causes[i]), causes[i].label(), x, top + 12);
        }
        double max = stats.stream().mapToDouble(TimelineStats::bubbleRatio).max().orElse(0);
        double pixelsPerShare = max > 0 ? (plotWidth() - 160) / max : 0;
        int y = top + BAR_TITLE;
        for (int r = 0; r < runs.size(); r++) {
            g.setColor(INK);
            g.drawString(runs.get(r).name(), 10, y + BAR - 8);
            double at = 0;
            for (BubbleCause cause : causes) {
                double share = stats.get(r).bubbleShare().get(cause);
                int x0 = LEFT + (int) Math.round(at * pixelsPerShare);
                at += share;
                int x1 = LEFT + (int) Math.round(at * pixelsPerShare);
                g.setColor(causeColor(cause));
                g.fillRect(x0, y, x1 - x0, BAR);
            }
            g.setColor(INK);
            String value = String.format(Locale.ROOT, "%.1f%% idle", 100 * stats.get(r).bubbleRatio());
            g.drawString(value, LEFT + (int) Math.round(at * pixelsPerShare) + 8, y + BAR - 8);
            y += BAR + BAR_GAP;
        }
        g.setColor(GRID);
        g.drawLine(LEFT, top + BAR_TITLE - 4, LEFT, y);
    }

    private static void drawKey(Graphics2D g, Color color, String label, int x, int y) {
        g.setColor(color);
        g.fillRect(x, y, 14, 14);
        g.setColor(INK);
        g.drawRect(x, y, 14, 14);
        g.drawString(label, x + 18, y + 12);
    }

    static Color causeColor(BubbleCause cause) {
        return switch (cause) {
            case FILL_DRAIN -> new Color(0xA6, 0xA6, 0xA6);
            case PHASE_SWITCH -> new Color(0xE0, 0xB0, 0x3C);
            case TOP_UP_STALL -> new Color(0xD1, 0x4A, 0x3A);
            case BATCH_IMBALANCE -> new Color(0x3F, 0xA3, 0x8A);
            case MEMORY -> new Color(0x7A, 0x5A, 0x3A);
        };
    }

    /** 1, 2 or 5 × 10^k nanoseconds, at least {@code rough}. */
    static double niceStep(double rough) {
        double pow = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 1))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * pow >= rough) {
                return m * pow;
            }
        }
        return 10 * pow;
    }

    static String formatTime(long nanos) {
        double s = nanos / 1e9;
        if (nanos == 0) {
            return "0";
        }
        if (s >= 1) {
            return trim(String.format(Locale.ROOT, "%.3f", s)) + " s";
        }
        double ms = nanos / 1e6;
        if (ms >= 1) {
            return trim(String.format(Locale.ROOT, "%.3f", ms)) + " ms";
        }
        return trim(String.format(Locale.ROOT, "%.3f", nanos / 1e3)) + " µs";
    }

    private static String trim(String number) {
        return number.contains(".") ? number.replaceAll("0+$", "").replaceAll("\\.$", "") : number;
    }
}

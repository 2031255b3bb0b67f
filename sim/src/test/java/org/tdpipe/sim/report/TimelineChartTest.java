package org.tdpipe.sim.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.timeline.BubbleCause;
import org.tdpipe.core.timeline.ClosedLoopPipeline;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;

class TimelineChartTest {
    private static Timeline pipeline(int stages, int batches) {
        Timeline t = new Timeline(stages);
        for (int b = 0; b < batches; b++) {
            Phase phase = b % 10 < 3 ? Phase.PREFILL : Phase.DECODE;
            for (int s = 0; s < stages; s++) {
                long start = (b + s) * 1_000_000L;
                t.record(new Span(s, b, phase, 4, 100, start, start + 900_000L));
            }
        }
        return t;
    }

    @Test
    void writesAPngOfTheStatedSize(@TempDir Path dir) throws Exception {
        List<TimelineChart.Run> runs = List.of(
                new TimelineChart.Run("td-pipe", pipeline(4, 2_000), 2_004_000_000L, 1234.5),
                new TimelineChart.Run("tp", pipeline(1, 500), 501_000_000L, 456.7));
        TimelineChart chart = new TimelineChart(1600);
        Path png = dir.resolve("timeline.png");
        chart.write(png, runs, null);
        byte[] bytes = Files.readAllBytes(png);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1600, image.getWidth());
        assertEquals(chart.height(runs), image.getHeight());
    }

    @Test
    void colorsBusyAndIdlePixelsInAWindow() {
        Timeline t = new Timeline(1);
        t.record(new Span(0, 1, Phase.PREFILL, 1, 100, 0, 500));
        t.record(new Span(0, 2, Phase.DECODE, 1, 1, 1_000, 1_500));
        List<TimelineChart.Run> runs = List.of(new TimelineChart.Run("x", t, 2_000, 1));
        BufferedImage image = new TimelineChart(1000).render(runs, new TimelineChart.Window(0, 2_000));
        int laneY = 50 + 26 + 10;
        int plotLeft = 110;
        int plotWidth = 1000 - 110 - 30;
        assertEquals(TimelineChart.PREFILL.getRGB(), image.getRGB(plotLeft + plotWidth / 8, laneY));
        // the decode batch after the prefill changes phase: the gap before it is a phase switch
        assertEquals(TimelineChart.idleTint(BubbleCause.PHASE_SWITCH).getRGB(), image.getRGB(plotLeft + 3 * plotWidth / 8, laneY));
        assertEquals(TimelineChart.IDLE.getRGB(), image.getRGB(plotLeft + 7 * plotWidth / 8, laneY), "drain");
        assertEquals(TimelineChart.DECODE.getRGB(), image.getRGB(plotLeft + 5 * plotWidth / 8, laneY));
    }

    @Test
    void splitsEachRunsIdleTimeByCauseInTheLastBars() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(4).run(20, Phase.DECODE, 1_000_000);
        p.launch(Phase.PREFILL, 5_000_000, 0);
        p.run(20, Phase.DECODE, 1_000_000);
        List<TimelineChart.Run> runs = List.of(new TimelineChart.Run("td-pipe", p.timeline(), p.makespan(), 1));
        TimelineChart chart = new TimelineChart(1000);
        BufferedImage image = chart.render(runs, null);
        // the only run's bar is the full bar width: 12 ms of fill/drain, then 48 ms of top-up stall
        int barY = chart.height(runs) - 20 - 8 - 26 / 2;
        int barLeft = 110;
        int barWidth = 1000 - 110 - 30 - 160;
        assertEquals(TimelineChart.causeColor(BubbleCause.FILL_DRAIN).getRGB(), image.getRGB(barLeft + barWidth / 10, barY));
        assertEquals(TimelineChart.causeColor(BubbleCause.TOP_UP_STALL).getRGB(), image.getRGB(barLeft + barWidth / 2, barY));
    }

    @Test
    void rejectsEmptyInput() {
        TimelineChart chart = new TimelineChart(1600);
        assertThrows(IllegalArgumentException.class, () -> chart.render(List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new TimelineChart.Window(5, 5));
        assertThrows(IllegalArgumentException.class, () -> new TimelineChart.Run("r", new Timeline(1), 0, 1));
    }

    @Test
    void axisStepsAreRound() {
        assertEquals(2e9, TimelineChart.niceStep(1.3e9));
        assertEquals(5e6, TimelineChart.niceStep(4.1e6));
        assertEquals("1.5 s", TimelineChart.formatTime(1_500_000_000L));
        assertEquals("250 ms", TimelineChart.formatTime(250_000_000L));
    }
}

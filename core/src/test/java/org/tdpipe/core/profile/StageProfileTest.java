package org.tdpipe.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.exec.Phase;

class StageProfileTest {
    @TempDir
    Path dir;

    static StageProfile twoStages() {
        return new StageProfile(Map.of("model", "dummy:x", StageProfile.MAX_MODEL_LEN, "256"), 2, List.of(
                new StageTiming(0, Phase.PREFILL, 8, 1, 36, 4.5, 4.25),
                new StageTiming(1, Phase.PREFILL, 8, 1, 36, 5.25, 5.0),
                new StageTiming(0, Phase.DECODE, 4, 4, 64, 3.0, 2.0),
                new StageTiming(1, Phase.DECODE, 4, 4, 64, 6.0, 4.5)),
                List.of(new HandoffTiming(0, 8, 0.5), new HandoffTiming(1, 8, 0.25), new HandoffTiming(2, 8, 0.125)));
    }

    @Test
    void aWrittenProfileReadsBackTheSame() throws IOException {
        Path file = dir.resolve("stages.csv");
        StageProfile p = twoStages();
        p.write(file);
        StageProfile back = StageProfile.read(file);
        assertEquals(p, back);
        assertEquals(256, back.setupInt(StageProfile.MAX_MODEL_LEN, 0));
        assertEquals(7, back.setupInt("missing", 7));
        assertEquals(List.of(new StageTiming(1, Phase.DECODE, 4, 4, 64, 6.0, 4.5)), back.timings(1, Phase.DECODE));
    }

    @Test
    void aTableMeasuredWithEveryStageBusyOnlyReadsAsEquallyFastAlone() {
        StageProfile p = StageProfile.parse("s.csv", List.of(StageProfile.BUSY_ONLY_HEADER, "0,prefill,8,1,36,4.5", "0,decode,4,4,64,3.0"));
        assertEquals(List.of(new StageTiming(0, Phase.DECODE, 4, 4, 64, 3.0, 3.0)), p.timings(0, Phase.DECODE));
    }

    @Test
    void errorsNameTheFileAndLine() {
        var bad = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of("# model: m", StageProfile.HEADER, "0,prefill,8,1,36,4.5,4", "0,warmup,8,1,36,4.5,4")));
        assertEquals("s.csv:4: phase must be prefill, decode or handoff, got 'warmup'", bad.getMessage());
        var handoff = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,prefill,8,1,36,4.5,4", "0,decode,4,4,64,3.0,2.0", "3,handoff,8,0,0,0.5,0.5")));
        assertEquals("s.csv: hand-off to stage 3 in a profile of 1 stages", handoff.getMessage());
        var header = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv", List.of("tokens,ms")));
        assertEquals("s.csv:1: expected header '" + StageProfile.HEADER + "', got 'tokens,ms'", header.getMessage());
        var number = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,prefill,x,1,36,4.5,4")));
        assertEquals("s.csv:2: not a number in '0,prefill,x,1,36,4.5,4'", number.getMessage());
        var columns = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,prefill,8,1,36,4.5")));
        assertEquals("s.csv:2: expected 7 columns like the header, got '0,prefill,8,1,36,4.5'", columns.getMessage());
        var alone = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,prefill,8,1,36,4.5,0")));
        assertEquals("s.csv:2: stage time must be a positive number of ms, got 4.5 (alone 0.0)", alone.getMessage());
        var inconsistent = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,decode,4,5,64,3.0,2.0")));
        assertEquals("s.csv:2: inconsistent stage timing: stage 0, 4 tokens, 5 sampled, 64 attention pairs", inconsistent.getMessage());
    }

    @Test
    void everyStageNeedsPrefillAndDecodeTimings() {
        var e = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.BUSY_ONLY_HEADER, "0,prefill,8,1,36,4.5", "0,decode,4,4,64,3.0", "1,prefill,8,1,36,4.5")));
        assertEquals("s.csv: stage profile has no decode timing for stage 1", e.getMessage());
    }
}

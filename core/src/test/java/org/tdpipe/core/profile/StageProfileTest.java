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
                new StageTiming(0, Phase.PREFILL, 8, 1, 36, 4.5),
                new StageTiming(1, Phase.PREFILL, 8, 1, 36, 5.25),
                new StageTiming(0, Phase.DECODE, 4, 4, 64, 3.0),
                new StageTiming(1, Phase.DECODE, 4, 4, 64, 6.0)));
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
        assertEquals(List.of(new StageTiming(1, Phase.DECODE, 4, 4, 64, 6.0)), back.timings(1, Phase.DECODE));
    }

    @Test
    void errorsNameTheFileAndLine() {
        var bad = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of("# model: m", StageProfile.HEADER, "0,prefill,8,1,36,4.5", "0,warmup,8,1,36,4.5")));
        assertEquals("s.csv:4: phase must be prefill or decode, got 'warmup'", bad.getMessage());
        var header = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv", List.of("tokens,ms")));
        assertEquals("s.csv:1: expected header '" + StageProfile.HEADER + "', got 'tokens,ms'", header.getMessage());
        var number = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,prefill,x,1,36,4.5")));
        assertEquals("s.csv:2: not a number in '0,prefill,x,1,36,4.5'", number.getMessage());
        var inconsistent = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,decode,4,5,64,3.0")));
        assertEquals("s.csv:2: inconsistent stage timing: stage 0, 4 tokens, 5 sampled, 64 attention pairs", inconsistent.getMessage());
    }

    @Test
    void everyStageNeedsPrefillAndDecodeTimings() {
        var e = assertThrows(ProfileFormatException.class, () -> StageProfile.parse("s.csv",
                List.of(StageProfile.HEADER, "0,prefill,8,1,36,4.5", "0,decode,4,4,64,3.0", "1,prefill,8,1,36,4.5")));
        assertEquals("s.csv: stage profile has no decode timing for stage 1", e.getMessage());
    }
}

package org.tdpipe.sim.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.sim.SharedData;

class TraceReaderTest {
    @Test
    void shareGptWithThePaperFilterKeeps11035RowsWithThePublishedMeans() {
        Trace trace = TraceReader.read(SharedData.file("traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv"));
        assertEquals(30_731, trace.size());
        assertFalse(trace.timestamped());
        List<WorkloadItem> kept = LengthFilter.PAPER.apply(trace.items());
        assertEquals(11_035, kept.size());
        assertEquals(378.0, kept.stream().mapToInt(WorkloadItem::promptTokens).average().orElseThrow(), 0.5);
        assertEquals(418.9, kept.stream().mapToInt(WorkloadItem::outputTokens).average().orElseThrow(), 0.5);
        assertTrue(kept.stream().allMatch(i -> i.arrivalNanos() == 0));
    }

    @Test
    void azureTraceGivesArrivalOffsetsFromTheFirstRequest() {
        Trace trace = TraceReader.read(SharedData.file("traces/AzureLLMInferenceTrace_conv.csv"));
        assertEquals(19_366, trace.size());
        assertTrue(trace.timestamped());
        WorkloadItem first = trace.items().get(0);
        WorkloadItem second = trace.items().get(1);
        assertEquals(new WorkloadItem(374, 44, 0), first);
        // 18:15:50.9951690 − 18:15:46.6805900
        assertEquals(new WorkloadItem(396, 109, 4_314_579_000L), second);
        long last = trace.items().get(trace.size() - 1).arrivalNanos();
        assertEquals(3_501.7e9, last, 1e9, "about one hour of traffic");
    }

    @Test
    void detectsTheFormatByItsHeaderAndParsesBoth() {
        Trace share = TraceReader.parse("s.csv", List.of(TraceReader.SHAREGPT_HEADER, "10,20,30,0.5", ""));
        assertEquals(List.of(new WorkloadItem(10, 20, 0)), share.items());
        Trace azure = TraceReader.parse("a.csv", List.of(TraceReader.AZURE_HEADER + "\r",
                "2023-11-16 18:15:47.5,5,6\r", "2023-11-16 18:15:46,7,8\r"));
        assertEquals(List.of(new WorkloadItem(5, 6, 1_500_000_000L), new WorkloadItem(7, 8, 0)), azure.items(),
                "offsets from the earliest row, even out of order");
    }

    @Test
    void malformedInputNamesFileLineAndField() {
        assertMessage("t.csv:1: unknown trace header 'a,b'", List.of("a,b", "1,2"));
        assertMessage("t.csv: trace has a header but no rows", List.of(TraceReader.SHAREGPT_HEADER));
        assertMessage("t.csv:3: num_decode_tokens is not a whole number: 'x'",
                List.of(TraceReader.SHAREGPT_HEADER, "1,2,3,0.5", "4,x,4,1"));
        assertMessage("t.csv:2: expected 4 columns, got 2", List.of(TraceReader.SHAREGPT_HEADER, "1,2"));
        assertMessage("t.csv:2: ContextTokens must be >= 1 token, got 0", List.of(TraceReader.AZURE_HEADER, "2023-11-16 18:15:46,0,8"));
        assertMessage("t.csv:2: TIMESTAMP 'yesterday' is not", List.of(TraceReader.AZURE_HEADER, "yesterday,3,8"));
        assertMessage("t.csv:1: unknown trace header ''", List.of());
    }

    @Test
    void unreadableFileIsReported(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none.csv");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.read(missing));
        assertTrue(e.getMessage().startsWith(missing + ": cannot read trace"), e.getMessage());
        Path binary = dir.resolve("bin.csv");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThrows(TraceFormatException.class, () -> TraceReader.read(binary));
    }

    private static void assertMessage(String prefix, List<String> lines) {
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.parse("t.csv", lines));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }
}

package org.tdpipe.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.runtime.grpc.proto.Hidden;

class WireTest {
    @Test
    void aBatchArrivesWithItsHistoryBlockTablesAndSamplingParameters() {
        BlockManager blocks = new BlockManager(64, 4, 0);
        SamplingParams seeded = new SamplingParams(20, 0.7, 0.9, 40, 0.05, 11L, 1.2, 0.5, -0.5, false, List.of(), List.of(), 3);
        Request decoding = new Request(7, "r7", new int[] {1, 5, 9}, seeded, 0);
        blocks.ensureCapacity(decoding, 6);
        decoding.markRunning(0);
        decoding.markComputed(3);
        decoding.appendToken(42, 0);
        decoding.appendToken(43, 0);
        Request chunk = new Request(8, "r8", new int[] {2, 3, 4, 5, 6, 7, 8}, SamplingParams.greedy(5), 0);
        blocks.ensureCapacity(chunk, 4);
        StepBatch batch = new StepBatch(12, Phase.MIXED,
                List.of(new ScheduledSeq(decoding, 4, 1, true), new ScheduledSeq(chunk, 0, 4, false)), 1);

        StepBatch received = BatchWire.decode(BatchWire.encode(batch));

        assertEquals(12, received.id());
        assertEquals(Phase.MIXED, received.phase());
        assertEquals(1, received.stream());
        Request r = received.seqs().getFirst().request();
        assertEquals(7, r.id());
        assertEquals("r7", r.externalId());
        assertEquals(3, r.promptLength(), "penalties tell prompt from output");
        assertArrayEquals(new int[] {1, 5, 9, 42, 43}, r.tokens(0, r.numTokens()));
        assertArrayEquals(decoding.blockTable().toArray(), r.blockTable().toArray());
        assertEquals(seeded.withIgnoreEos(false), r.sampling(), "stop strings stay with the controller");
        Request c = received.seqs().get(1).request();
        assertArrayEquals(new int[] {2, 3, 4, 5}, c.tokens(0, c.numTokens()), "a prompt chunk carries what it feeds");
        assertEquals(new ScheduledSeq(c, 0, 4, false), received.seqs().get(1));
    }

    @Test
    void activationsSurviveTheTripBitForBit() {
        float[] data = {1.5f, -0f, Float.MIN_VALUE, Float.NaN, 3e38f, -7.25f};
        HiddenStates back = HiddenWire.decode(HiddenWire.encode(new HiddenStates(2, 3, data)));
        assertEquals(2, back.numTokens());
        assertEquals(3, back.dim());
        for (int i = 0; i < data.length; i++) {
            assertEquals(Float.floatToRawIntBits(data[i]), Float.floatToRawIntBits(back.data()[i]), "float " + i);
        }
    }

    @Test
    void activationsOfTheWrongSizeAreRefusedNamingBoth() {
        Hidden bad = Hidden.newBuilder().setNumTokens(2).setDim(3).setData(ByteString.copyFrom(new byte[20])).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HiddenWire.decode(bad));
        assertTrue(e.getMessage().contains("2 x 3 carry 20 bytes, expected 24"), e.getMessage());
    }

    @Test
    void workerAddressesParse() {
        assertEquals(new WorkerAddress("10.0.0.2", 9101), WorkerAddress.parse("10.0.0.2:9101"));
        assertEquals(new WorkerAddress("::1", 9101), WorkerAddress.parse("[::1]:9101"));
        assertEquals("[::1]:9101", WorkerAddress.parse("[::1]:9101").toString());
        assertThrows(IllegalArgumentException.class, () -> WorkerAddress.parse("host"));
        assertThrows(IllegalArgumentException.class, () -> WorkerAddress.parse("host:port"));
        assertThrows(IllegalArgumentException.class, () -> WorkerAddress.parse("host:70000"));
    }
}

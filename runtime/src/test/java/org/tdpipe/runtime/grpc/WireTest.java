package org.tdpipe.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.MinTokens;
import org.tdpipe.core.request.OutputGrammar;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.PromptScoring;
import org.tdpipe.model.step.SampledSequence;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.SequenceStart;
import org.tdpipe.model.step.SequenceStep;
import org.tdpipe.model.step.SequenceTable;
import org.tdpipe.model.step.StepInput;
import org.tdpipe.model.step.TokenMask;
import org.tdpipe.runtime.StepEncoder;
import org.tdpipe.runtime.grpc.proto.Hidden;
import org.tdpipe.runtime.grpc.proto.Sequence;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

class WireTest {
    private static Request running(long id, int[] prompt, SamplingParams sampling) {
        Request r = new Request(id, "r" + id, prompt, sampling, 0);
        r.markRunning(0);
        return r;
    }

    /** Computes a batch the way the engine records it: the fed tokens, then the sampled ones. */
    private static void completed(StepBatch batch, int... sampled) {
        int next = 0;
        for (ScheduledSeq seq : batch.seqs()) {
            seq.request().markComputed(seq.numTokens());
            if (seq.samples()) {
                seq.request().appendToken(sampled[next++], 0);
            }
        }
    }

    /** Allows one token at each step: 42, then 43, and so on. */
    private static final OutputGrammar COUNTING_GRAMMAR = () -> new OutputGrammar.Cursor() {
        private int next = 42;

        @Override
        public BitSet allowed() {
            BitSet one = new BitSet();
            one.set(next);
            return one;
        }

        @Override
        public void accept(int token) {
            next = token + 1;
        }
    };

    /** What a stage makes of a step that crossed the wire: its layout, the stage's table updated. */
    private static BatchLayout acrossTheWire(StepInput step, SequenceTable stage) {
        StepInput received = StepWire.decode(StepWire.encode(step));
        assertEquals(step, received, "the step arrives as it was sent");
        return stage.apply(received);
    }

    @Test
    void sequencesArriveWholeThoughEachStepSendsOnlyWhatIsNew() {
        BlockManager blocks = new BlockManager(64, 4, 0);
        MinTokens minTokens = new MinTokens(4, Set.of(2, 6));
        SamplingParams seeded = new SamplingParams(20, 0.7, 0.9, 40, 0.05, 11L, 1.2, 0.5, -0.5, false, List.of(6), List.of(), 3,
                Map.of(5, -2.5f, 9, 100f), minTokens, Optional.of(COUNTING_GRAMMAR), 2);
        SamplingSettings seededSettings = new SamplingSettings(0.7, 0.9, 40, 0.05, 11L, 1.2, 0.5, -0.5, 3,
                Map.of(5, -2.5f, 9, 100f), minTokens);
        Request decoding = running(7, new int[] {1, 5, 9}, seeded);
        Request chunked = running(8, new int[] {2, 3, 4, 5, 6, 7, 8}, SamplingParams.greedy(5));
        blocks.ensureCapacity(decoding, 3);
        blocks.ensureCapacity(chunked, 4);
        StepEncoder encoder = new StepEncoder();
        SequenceTable stage = new SequenceTable(4, 512);
        StepBatch prefill = new StepBatch(12, Phase.PREFILL,
                List.of(new ScheduledSeq(decoding, 0, 3, true), new ScheduledSeq(chunked, 0, 4, false)), 1);

        StepInput first = encoder.encode(prefill);
        BatchLayout firstLayout = acrossTheWire(first, stage);

        assertEquals(12, first.batchId());
        assertEquals(Phase.PREFILL, first.phase());
        assertEquals(1, first.stream());
        SequenceStep r = first.seqs().getFirst();
        assertEquals(7, r.seqId());
        assertEquals(new SequenceStart("r7", 3, seededSettings, Ints.EMPTY), r.begins().orElseThrow(),
                "penalties tell prompt from output; stop strings stay with the controller");
        assertEquals(Ints.of(1, 5, 9), firstLayout.sampled(0).context());
        assertArrayEquals(decoding.blockTable().toArray(), firstLayout.blockTable(0));
        assertEquals(Ints.of(2, 3, 4, 5), first.seqs().get(1).tokens(), "a prompt chunk carries what it feeds");
        assertEquals(1, firstLayout.numSampled());
        assertEquals(Optional.of(TokenMask.of(BitSet.valueOf(new long[] {1L << 42}))), firstLayout.sampled(0).allowed(),
                "the grammar's mask reaches the sampler");
        assertEquals(Optional.empty(), first.seqs().get(1).allowed());
        assertEquals(Optional.of(new PromptScoring(2, Ints.of(5, 9))), r.scoring(), "positions 0 and 1 score prompt tokens 1 and 2");
        assertEquals(List.of(0, 1), Arrays.stream(firstLayout.scored().getFirst().rows()).boxed().toList());
        assertEquals(Optional.empty(), first.seqs().get(1).scoring());
        PromptLogprobs scores = new PromptLogprobs(7, 1, List.of(new SampledToken(5, -1.5f, List.of(new TokenLogprob(3, -0.5f)))), List.of(4));
        assertEquals(List.of(scores), SampledWire.decodePrompt(12, SampledWire.encodePrompt(List.of(scores))));

        completed(prefill, 42);
        blocks.ensureCapacity(decoding, 4);
        blocks.ensureCapacity(chunked, 7);
        StepBatch mixed = new StepBatch(13, Phase.MIXED,
                List.of(new ScheduledSeq(decoding, 3, 1, true), new ScheduledSeq(chunked, 4, 3, true)), 1);

        StepInput second = encoder.encode(mixed);
        SubmitBatch secondWire = StepWire.encode(second);
        BatchLayout secondLayout = acrossTheWire(second, stage);

        assertTrue(secondLayout.sampled(0).allowed().orElseThrow().allows(43), "the mask follows the grammar's cursor");
        Sequence decodeStep = secondWire.getSeqs(0);
        assertEquals(List.of(42), decodeStep.getTokensList(), "a decode step feeds its one new token");
        assertEquals(List.of(), decodeStep.getNewBlocksList(), "its 4 tokens still fit the first block");
        assertFalse(decodeStep.hasSampling());
        assertEquals("", decodeStep.getExternalId());
        assertEquals(List.of(chunked.blockTable().get(1)), secondWire.getSeqs(1).getNewBlocksList());
        SampledSequence d = secondLayout.sampled(0);
        assertEquals(Ints.of(1, 5, 9, 42), d.context(), "the worker keeps the history");
        assertEquals(3, d.promptLength());
        assertEquals(seededSettings, d.sampling());
        SampledSequence c2 = secondLayout.sampled(1);
        assertEquals(Ints.of(chunked.promptTokens()), c2.context());
        assertArrayEquals(chunked.blockTable().toArray(), secondLayout.blockTable(1));
        assertEquals(4, secondLayout.position(1), "the chunk continues at position 4");
    }

    @Test
    void finishedAndPreemptedSequencesAreReleasedAndARestartBeginsAgain() {
        BlockManager blocks = new BlockManager(64, 4, 0);
        Request finishing = running(1, new int[] {3, 4}, SamplingParams.greedy(1));
        Request preempted = running(2, new int[] {5, 6}, SamplingParams.greedy(9));
        blocks.ensureCapacity(finishing, 2);
        blocks.ensureCapacity(preempted, 2);
        StepEncoder encoder = new StepEncoder();
        SequenceTable stage = new SequenceTable(4, 512);
        StepBatch prefill = new StepBatch(0, Phase.PREFILL,
                List.of(new ScheduledSeq(finishing, 0, 2, true), new ScheduledSeq(preempted, 0, 2, true)), 0);
        acrossTheWire(encoder.encode(prefill), stage);
        completed(prefill, 7, 8);
        assertEquals(2, stage.size());

        finishing.markFinished(FinishReason.LENGTH, 0);
        preempted.markReady();
        blocks.free(preempted);
        preempted.markPreempted();
        Request other = running(3, new int[] {9}, SamplingParams.greedy(1));
        blocks.ensureCapacity(other, 1);
        StepInput step = encoder.encode(new StepBatch(1, Phase.PREFILL, List.of(new ScheduledSeq(other, 0, 1, true)), 0));
        assertEquals(List.of(1L, 2L), step.released().stream().sorted().toList());
        acrossTheWire(step, stage);
        assertEquals(1, stage.size(), "only the new sequence is held");
        assertFalse(encoder.holds(preempted));

        preempted.markRunning(0);
        blocks.ensureCapacity(preempted, 3);
        BatchLayout restart = acrossTheWire(encoder.encode(new StepBatch(2, Phase.PREFILL,
                List.of(new ScheduledSeq(preempted, 0, 3, true)), 0)), stage);
        assertEquals(Ints.of(5, 6, 8), restart.sampled(0).context(), "a recompute feeds prompt and output");
        assertEquals(2, restart.sampled(0).promptLength());
    }

    @Test
    void aSequenceDeclaredComputedStartsWhereItContinues() {
        BlockManager blocks = new BlockManager(8, 4, 0);
        Request probe = running(5, new int[] {1, 2, 3, 4, 5, 6}, SamplingParams.greedy(1));
        blocks.ensureCapacity(probe, 6);
        probe.markComputed(5);
        StepInput step = new StepEncoder().encode(new StepBatch(3, Phase.DECODE, List.of(new ScheduledSeq(probe, 5, 1, true)), 0));
        assertEquals(Ints.of(1, 2, 3, 4, 5), step.seqs().getFirst().begins().orElseThrow().computed());
        BatchLayout layout = acrossTheWire(step, new SequenceTable(4, 512));
        assertEquals(Ints.of(1, 2, 3, 4, 5, 6), layout.sampled(0).context());
        assertEquals(5, layout.position(0));
    }

    @Test
    void aDecodeStepCostsTheSameBytesWhateverTheContextLength() {
        assertEquals(decodeStepBytes(200), decodeStepBytes(2000));
        assertTrue(decodeStepBytes(2000) <= 456, "32 decoding sequences took " + decodeStepBytes(2000) + " bytes before the plain step value");
    }

    /** Bytes of the metadata of a decode step of 32 sequences at {@code context} tokens, after their prefill. */
    private static int decodeStepBytes(int context) {
        BlockManager blocks = new BlockManager(32 * (context / 16 + 2), 16, 0);
        StepEncoder encoder = new StepEncoder();
        List<ScheduledSeq> prefills = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int[] prompt = new int[context - 1];
            Arrays.fill(prompt, 29_000 + i);
            Request r = running(i, prompt, SamplingParams.greedy(100));
            blocks.ensureCapacity(r, context);
            prefills.add(new ScheduledSeq(r, 0, prompt.length, true));
        }
        StepBatch prefill = new StepBatch(0, Phase.PREFILL, prefills, 0);
        encoder.encode(prefill);
        int[] sampled = new int[32];
        Arrays.fill(sampled, 31_000);
        completed(prefill, sampled);
        List<ScheduledSeq> decodes = prefills.stream().map(s -> new ScheduledSeq(s.request(), context - 1, 1, true)).toList();
        return StepWire.encode(encoder.encode(new StepBatch(1, Phase.DECODE, decodes, 0))).getSerializedSize();
    }

    @Test
    void aContinuationOfASequenceTheWorkerDoesNotHoldIsRefusedNamingIt() {
        SubmitBatch stray = SubmitBatch.newBuilder().setBatchId(4).setPhase("DECODE")
                .addSeqs(Sequence.newBuilder().setRequestId(9).setStart(17).addTokens(5).setSamples(true)).build();
        SequenceTable stage = new SequenceTable(16, 512);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stage.apply(StepWire.decode(stray)));
        assertEquals("batch 4, request id 9 continues at position 17 but this worker holds no such sequence", e.getMessage());
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

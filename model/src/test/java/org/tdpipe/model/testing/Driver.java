package org.tdpipe.model.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.Request;
import org.tdpipe.model.llama.BatchLayout;
import org.tdpipe.model.llama.LocalModelRunner;
import org.tdpipe.model.llama.StepOutput;

/**
 * Runs batches on a {@link LocalModelRunner} and records, per request, the logits it sampled from
 * and the tokens it appended.
 */
public final class Driver {
    private final LocalModelRunner runner;
    private final Map<Request, List<float[]>> logits = new HashMap<>();

    public Driver(LocalModelRunner runner) {
        this.runner = runner;
    }

    /** Executes one batch; sampled tokens are appended to their requests. */
    public void step(StepBatch batch) {
        BatchLayout layout = runner.layout(batch);
        float[] all = runner.forward(layout);
        StepOutput out = runner.sample(layout, all);
        int vocab = runner.config().vocabSize();
        for (int i = 0; i < layout.numSampled(); i++) {
            ScheduledSeq seq = batch.seqs().get(layout.sampledSeq(i));
            logits.computeIfAbsent(seq.request(), r -> new ArrayList<>())
                    .add(java.util.Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab));
            seq.request().appendToken(out.sampled().get(i).token(), 0);
        }
    }

    public List<float[]> logits(Request r) {
        return logits.getOrDefault(r, List.of());
    }

    /** Prefills {@code r} in chunks of {@code chunk} tokens, then decodes until it has {@code outputs} tokens. */
    public void generateAlone(Sequences seqs, Request r, int chunk, int outputs) {
        int prompt = r.numTokens();
        for (int start = 0; start < prompt; start += chunk) {
            int n = Math.min(chunk, prompt - start);
            step(seqs.batch(new ScheduledSeq(r, start, n, start + n == prompt)));
        }
        while (r.numOutputTokens() < outputs) {
            step(seqs.batch(Sequences.decode(r)));
        }
    }
}

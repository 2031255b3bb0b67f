package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.MinTokens;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.vllm.VllmOptions;
import org.tdpipe.core.sched.vllm.VllmPolicies;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;

/** Prompt log-probabilities from the engine equal the log-softmax of the model's logits at every prompt position. */
class PromptLogprobsTest {
    private static final StageResources RESOURCES = EngineDriver.RESOURCES;

    @Test
    void everyPromptTokenIsScoredAsTheModelSeesItAlsoAcrossPrefillChunksAndStages() {
        try (ModelSource source = Stories260K.open()) {
            int[] prompt = source.tokenizer().encode("Once upon a time there was a little girl named Lily who loved to play", true);
            List<LayerRange> ranges = LayerPartitioner.balanced(StageCosts.of(source.config(), 0.5), 2);
            float[][] logits = PromptLogits.compute(source, ranges, 1, prompt);
            SamplingParams scoring = new SamplingParams(2, 0, 1, -1, 0, null, 1, 0, 0, false, List.of(), List.of(), 0, Map.of(),
                    MinTokens.NONE, Optional.empty(), 3);
            Request request = new Request(0, "scored", prompt, scoring, 0);
            Request plain = new Request(1, "plain", prompt, SamplingParams.greedy(2), 0);
            try (LocalExecutor executor = LocalExecutor.open(source, ranges, RESOURCES, BatchDeadline.AUTO)) {
                // a budget of 5 tokens per step: the prompt is prefilled in chunks, each scoring its share
                EngineDriver.run(source, executor, VllmPolicies.create(VllmPolicies.PP_CHUNKED, EngineDriver.context(source, executor),
                        new VllmOptions(4, 5, VllmOptions.DEFAULT_WATERMARK)), List.of(request, plain));
            }
            PromptLogprobs scores = request.promptLogprobs();
            assertEquals(prompt.length - 1, scores.scores().size(), "every prompt token but the first");
            int vocab = source.config().vocabSize();
            for (int p = 1; p < prompt.length; p++) {
                float[] row = logits[p - 1];
                double max = Double.NEGATIVE_INFINITY;
                for (float v : row) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (float v : row) {
                    sum += Math.exp(v - max);
                }
                double logZ = max + Math.log(sum);
                SampledToken s = scores.scores().get(p - 1);
                assertEquals(prompt[p], s.token());
                assertEquals(row[prompt[p]] - logZ, s.logprob(), 1e-3, "position " + p);
                int rank = 1;
                for (int t = 0; t < vocab; t++) {
                    rank += row[t] > row[prompt[p]] ? 1 : 0;
                }
                assertEquals(rank, scores.ranks().get(p - 1), "rank at position " + p);
                assertEquals(3, s.topLogprobs().size());
                int best = 0;
                for (int t = 1; t < vocab; t++) {
                    best = row[t] > row[best] ? t : best;
                }
                assertEquals(best, s.topLogprobs().getFirst().token(), "most likely at position " + p);
            }
            assertEquals(List.of(), plain.promptLogprobs().scores(), "not asked, not scored");
            assertEquals(plain.outputTokens()[0], request.outputTokens()[0], "scoring the prompt changes nothing else");
        }
    }
}

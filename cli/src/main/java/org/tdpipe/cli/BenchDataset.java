package org.tdpipe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.tdpipe.sim.workload.ArrivalProcess;
import org.tdpipe.sim.workload.LengthFilter;
import org.tdpipe.sim.workload.WorkloadItem;
import org.tdpipe.sim.workload.Workloads;

/**
 * The prompts {@code bench-serve} sends. The ShareGPT trace of the shared data holds token counts,
 * not text, so both datasets are lengths — sampled from the trace (benchmark filter, seeded, as
 * {@code simulate} and {@code bench} do) or drawn around fixed random lengths (vLLM's
 * {@code random} dataset) — filled with seeded common English words, about one token each; the
 * server's usage gives the exact prompt lengths.
 */
final class BenchDataset {
    private static final String[] WORDS = ("the of and to in is it that was for on are with as his they be at one have this "
            + "from or had by word but what some we can out other were all there when up use your how said an each she which "
            + "do their time if will way about many then them write would like so these her long make thing see him two has "
            + "look more day could go come did number sound no most people my over know water than call first who may down "
            + "side been now find").split(" ");

    private BenchDataset() {
    }

    /** {@code n} requests with ShareGPT's lengths, scaled to fit; {@code maxTokens} caps each output. */
    static List<BenchPrompt> shareGpt(WorkloadTrace trace, int n, long seed, LengthScaling scaling, int maxTokens) {
        List<WorkloadItem> items = scaling.apply(Workloads.build(trace.trace(), LengthFilter.PAPER, n, seed, new ArrivalProcess.Offline()));
        Random words = new Random(seed);
        List<BenchPrompt> prompts = new ArrayList<>();
        for (WorkloadItem item : items) {
            prompts.add(new BenchPrompt(text(item.promptTokens(), words), item.promptTokens(), Math.min(maxTokens, item.outputTokens())));
        }
        return prompts;
    }

    /**
     * {@code n} requests of {@code inputLen} prompt and {@code outputLen} output tokens, each drawn
     * uniformly within ± {@code rangeRatio} of them (vLLM's {@code --random-range-ratio}).
     */
    static List<BenchPrompt> random(int n, int inputLen, int outputLen, double rangeRatio, long seed) {
        if (inputLen < 1 || outputLen < 1 || rangeRatio < 0 || rangeRatio >= 1) {
            throw new IllegalArgumentException("random lengths must be >= 1 and the range ratio in [0, 1), got "
                    + inputLen + ", " + outputLen + ", " + rangeRatio);
        }
        SplittableRandom lengths = new SplittableRandom(seed);
        Random words = new Random(seed);
        List<BenchPrompt> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int input = around(inputLen, rangeRatio, lengths);
            prompts.add(new BenchPrompt(text(input, words), input, around(outputLen, rangeRatio, lengths)));
        }
        return prompts;
    }

    private static int around(int length, double ratio, SplittableRandom random) {
        int low = Math.max(1, (int) Math.floor(length * (1 - ratio)));
        int high = Math.max(low, (int) Math.ceil(length * (1 + ratio)));
        return random.nextInt(low, high + 1);
    }

    private static String text(int words, Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }
}

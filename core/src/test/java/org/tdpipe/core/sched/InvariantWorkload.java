package org.tdpipe.core.sched;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

/**
 * A random workload for {@link PolicyInvariants}, sized so every policy's outcome is known.
 *
 * <p>The cache has {@code blocksPerStage × numStages} blocks, so a policy that splits it per stage
 * (pp-vllm) gets {@code blocksPerStage} per virtual engine. Requests come in two kinds:
 * <ul>
 *   <li>fitting: prompt + max_tokens ≤ {@link #fitTokens()}, which leaves 3 blocks of a stage's
 *       share free (room for watermarks of up to 2% of the whole cache), so each one completes
 *       however small its share of the cache, after as many preemptions as it takes;
 *   <li>too long: the prompt needs more blocks than the whole cache, or is longer than the model
 *       length; every policy must finish it IGNORED without output.
 * </ul>
 * Caches are tiny (5–12 blocks per stage) so fitting requests compete hard and get preempted.
 */
public record InvariantWorkload(int numStages, int blockSize, int blocksPerStage, int maxModelLen, List<Spec> requests) {
    /** The executor's per-stage time: {@code FIXED_NANOS + PER_TOKEN_NANOS × tokens}. */
    public static final long FIXED_NANOS = 1_000;
    public static final long PER_TOKEN_NANOS = 100;

    /**
     * One request to create.
     *
     * @param stopTokenIds stop tokens, so greedy requests without ignore_eos stop early at random (stop
     *     ids end a request even with ignore_eos, so ignore_eos requests, the benchmark's, get none)
     */
    public record Spec(int[] prompt, int maxTokens, boolean ignoreEos, List<Integer> stopTokenIds, long arrivalNanos) {
        SamplingParams sampling() {
            return new SamplingParams(maxTokens, 0, 1, -1, 0, null, 1, 0, 0, ignoreEos, stopTokenIds, List.of(), 0);
        }

        @Override
        public String toString() {
            return "Spec[prompt=" + prompt.length + ", max_tokens=" + maxTokens + ", ignore_eos=" + ignoreEos
                    + ", stops=" + stopTokenIds.size() + ", arrival=" + arrivalNanos + "]";
        }
    }

    public int numBlocks() {
        return blocksPerStage * numStages;
    }

    /** Longest prompt + output of a fitting request. */
    public int fitTokens() {
        return (blocksPerStage - 3) * blockSize;
    }

    public boolean isTooLong(Spec spec) {
        return spec.prompt().length > numBlocks() * blockSize || spec.prompt().length > maxModelLen;
    }

    public PolicyContext context() {
        double[] ms = new double[2048];
        for (int n = 1; n <= ms.length; n++) {
            ms[n - 1] = 1 + 0.01 * n;
        }
        return new PolicyContext(numStages, numBlocks(), blockSize, maxModelLen, new Profile("linear test profile", ms),
                new OraclePredictor());
    }

    /** Fresh requests (id = index in {@link #requests()}). */
    public List<Request> newRequests() {
        List<Request> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            Spec s = requests.get(i);
            out.add(new Request(i, "req-" + i, s.prompt(), s.sampling(), s.arrivalNanos()));
        }
        return out;
    }

    /** The same cache and one of its requests, alone, arriving at 0, on a single stage. */
    public InvariantWorkload alone(Spec spec) {
        Spec first = new Spec(spec.prompt(), spec.maxTokens(), spec.ignoreEos(), spec.stopTokenIds(), 0);
        return new InvariantWorkload(1, blockSize, numBlocks(), maxModelLen, List.of(first));
    }

    /** 1–5 stages, block size 1–8, 5–12 blocks per stage, 1–40 requests (1 in 10 too long). */
    public static Arbitrary<InvariantWorkload> arbitrary() {
        Arbitrary<Integer> stages = Arbitraries.integers().between(1, 5);
        Arbitrary<Integer> blockSizes = Arbitraries.of(1, 2, 4, 8);
        Arbitrary<Integer> blocksPerStage = Arbitraries.integers().between(5, 12);
        return Combinators.combine(stages, blockSizes, blocksPerStage).flatAs((p, bs, k) -> {
            int capacityTokens = p * k * bs;
            int maxModelLen = capacityTokens + 4 * bs;
            Arbitrary<Spec> fitting = fitting((k - 3) * bs);
            Arbitrary<Spec> tooLong = tooLong(capacityTokens + 1, maxModelLen + 8);
            Arbitrary<Spec> spec = Arbitraries.frequencyOf(
                    Tuple.of(9, fitting), Tuple.of(1, tooLong));
            return spec.list().ofMinSize(1).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform())
                    .map(list -> new InvariantWorkload(p, bs, k, maxModelLen, list));
        }).withoutEdgeCases(); // edge cases are mostly 1-token requests that never compete
    }

    private static Arbitrary<Spec> fitting(int fitTokens) {
        // short prompts with long outputs half the time: decodes grow into each other and preempt
        return uniform(2, fitTokens).flatMap(total -> Arbitraries.frequencyOf(
                        Tuple.of(1, uniform(1, total - 1)),
                        Tuple.of(1, uniform(1, Math.max(1, total / 4))))
                .flatMap(promptLen -> spec(promptLen, Arbitraries.just(total - promptLen))));
    }

    private static Arbitrary<Spec> tooLong(int minPrompt, int maxPrompt) {
        return uniform(minPrompt, maxPrompt)
                .flatMap(promptLen -> spec(promptLen, uniform(1, 8)));
    }

    private static Arbitrary<Integer> uniform(int min, int max) {
        return Arbitraries.integers().between(min, max).withDistribution(RandomDistribution.uniform());
    }

    private static Arbitrary<Spec> spec(int promptLen, Arbitrary<Integer> maxTokens) {
        Arbitrary<int[]> prompt = Arbitraries.integers().between(0, 999).array(int[].class).ofSize(promptLen);
        Arbitrary<List<Integer>> stops = Arbitraries.integers().between(3, 502).list().ofMaxSize(40)
                .withSizeDistribution(RandomDistribution.uniform());
        Arbitrary<Long> arrival = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.longs().between(0, 200_000).withDistribution(RandomDistribution.uniform())));
        return Combinators.combine(prompt, maxTokens, Arbitraries.of(true, true, false), stops, arrival)
                .as((p, max, ignoreEos, stop, at) -> new Spec(p, max, ignoreEos, ignoreEos ? List.of() : stop, at));
    }
}

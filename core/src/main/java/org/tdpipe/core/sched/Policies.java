package org.tdpipe.core.sched;

import java.util.List;
import java.util.function.Function;
import org.tdpipe.core.sched.adaptive.AdaptiveOptions;
import org.tdpipe.core.sched.adaptive.AdaptiveTdPipePolicy;
import org.tdpipe.core.sched.tdpipe.TdPipeOptions;
import org.tdpipe.core.sched.tdpipe.TdPipePolicy;
import org.tdpipe.core.sched.vllm.VllmPolicies;

/**
 * Builds a scheduler policy from its name: {@code td-pipe}, or a vLLM baseline ({@code pp-vllm},
 * {@code pp-chunked}, {@code tp}; see {@link VllmPolicies}). TD-Pipe ablations append switches with '/':
 * {@code td-pipe/no-greedy} (prefill until real memory is full), {@code td-pipe/no-stealing}
 * (fixed decode batch membership), {@code td-pipe/memory-only} (switch to prefill as soon as the
 * memory simulation admits a request), {@code td-pipe/dist-memory} (plan memory on the predicted
 * length distributions), {@code td-pipe/no-predictor} (plan on the blocks held now, ignoring
 * output-length predictions: prefill until memory is full); they combine, e.g. {@code td-pipe/no-greedy/no-stealing}.
 */
public final class Policies {
    public static final List<String> NAMES = List.of("td-pipe", "td-pipe/no-greedy", "td-pipe/no-stealing",
            "td-pipe/memory-only", "td-pipe/dist-memory", "td-pipe/no-predictor", AdaptiveTdPipePolicy.NAME, AdaptiveTdPipePolicy.NAME + "/no-lookahead",
            VllmPolicies.PP_VLLM, VllmPolicies.PP_CHUNKED, VllmPolicies.TP);

    private Policies() {
    }

    public static SchedulerPolicy create(String spec, PolicyContext ctx) {
        return parse(spec).apply(ctx);
    }

    /** Validates {@code spec} now and returns how to build the policy for a context. */
    public static Function<PolicyContext, SchedulerPolicy> parse(String spec) {
        String name = spec.strip();
        String[] parts = name.split("/");
        if (parts[0].equals("td-pipe")) {
            TdPipeOptions parsed = TdPipeOptions.faithful();
            for (int i = 1; i < parts.length; i++) {
                parsed = switch (parts[i]) {
                    case "no-greedy" -> parsed.withGreedyPrefill(false);
                    case "no-stealing" -> parsed.withWorkStealing(false);
                    case "memory-only" -> parsed.withSwitchRule(TdPipeOptions.SwitchRule.MEMORY_ONLY);
                    case "dist-memory" -> parsed.withMemoryPlan(TdPipeOptions.MemoryPlan.DISTRIBUTION);
                    case "no-predictor" -> parsed.withMemoryPlan(TdPipeOptions.MemoryPlan.CURRENT_FOOTPRINT);
                    default -> throw unknown(spec);
                };
            }
            TdPipeOptions options = parsed;
            return ctx -> new TdPipePolicy(name, ctx, options);
        }
        if (parts[0].equals(AdaptiveTdPipePolicy.NAME)) {
            AdaptiveOptions parsed = AdaptiveOptions.derived();
            for (int i = 1; i < parts.length; i++) {
                parsed = switch (parts[i]) {
                    case "no-lookahead" -> parsed.withLookahead(false);
                    default -> throw unknown(spec);
                };
            }
            AdaptiveOptions options = parsed;
            return ctx -> new AdaptiveTdPipePolicy(name, ctx, options);
        }
        if (VllmPolicies.NAMES.contains(name)) {
            return ctx -> VllmPolicies.create(name, ctx);
        }
        throw unknown(spec);
    }

    private static IllegalArgumentException unknown(String spec) {
        return new IllegalArgumentException("unknown policy '" + spec + "'; known: " + String.join(", ", NAMES));
    }
}

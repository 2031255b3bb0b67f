package org.tdpipe.core.sched;

import java.util.List;
import org.tdpipe.core.sched.tdpipe.TdPipeOptions;
import org.tdpipe.core.sched.tdpipe.TdPipePolicy;

/**
 * Builds a scheduler policy from its name. TD-Pipe ablations append switches with '/':
 * {@code td-pipe/no-greedy} (prefill until real memory is full), {@code td-pipe/no-stealing}
 * (fixed decode batch membership), {@code td-pipe/memory-only} (switch to prefill as soon as the
 * memory simulation admits a request); they combine, e.g. {@code td-pipe/no-greedy/no-stealing}.
 */
public final class Policies {
    public static final List<String> NAMES = List.of("td-pipe", "td-pipe/no-greedy", "td-pipe/no-stealing",
            "td-pipe/memory-only");

    private Policies() {
    }

    public static SchedulerPolicy create(String spec, PolicyContext ctx) {
        String[] parts = spec.strip().split("/");
        if (parts[0].equals("td-pipe")) {
            TdPipeOptions options = TdPipeOptions.faithful();
            for (int i = 1; i < parts.length; i++) {
                options = switch (parts[i]) {
                    case "no-greedy" -> options.withGreedyPrefill(false);
                    case "no-stealing" -> options.withWorkStealing(false);
                    case "memory-only" -> options.withSwitchRule(TdPipeOptions.SwitchRule.MEMORY_ONLY);
                    default -> throw unknown(spec);
                };
            }
            return new TdPipePolicy(spec.strip(), ctx, options);
        }
        throw unknown(spec);
    }

    private static IllegalArgumentException unknown(String spec) {
        return new IllegalArgumentException("unknown policy '" + spec + "'; known: " + String.join(", ", NAMES));
    }
}

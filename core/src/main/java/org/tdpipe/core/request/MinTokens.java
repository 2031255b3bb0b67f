package org.tdpipe.core.request;

import java.util.Objects;
import java.util.Set;

/**
 * vLLM's {@code min_tokens}: until a request has {@code count} output tokens, the tokens that would
 * end it ({@code bannedIds}: its stop token ids, and EOS unless {@code ignore_eos}) cannot be sampled
 * and stop strings are not looked for.
 */
public record MinTokens(int count, Set<Integer> bannedIds) {
    public static final MinTokens NONE = new MinTokens(0, Set.of());

    public MinTokens {
        if (count < 0) {
            throw new InvalidSamplingException("min_tokens", "must be >= 0, got " + count);
        }
        bannedIds = Set.copyOf(Objects.requireNonNull(bannedIds, "bannedIds"));
    }

    /** Whether {@code token} may not be sampled as output token number {@code outputs} (0-based). */
    public boolean bans(int token, int outputs) {
        return outputs < count && bannedIds.contains(token);
    }
}

package org.tdpipe.model.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one rendering of a chat template, so that no conversation can make it exhaust memory or
 * CPU: the rendered text's length, the template nodes evaluated (each loop iteration counts its body),
 * and the wall time. Rendering that crosses one fails with a {@link ChatTemplateException} naming it.
 */
public record RenderLimits(long maxOutputChars, long maxSteps, Duration maxTime) {
    /** 8 MiB of prompt text (far beyond any model's context), a million nodes, half a second. */
    public static final RenderLimits DEFAULT = new RenderLimits(8L << 20, 1_000_000, Duration.ofMillis(500));

    public RenderLimits {
        Objects.requireNonNull(maxTime, "maxTime");
        if (maxOutputChars <= 0 || maxSteps <= 0 || maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("render limits must be positive: " + maxOutputChars + " chars, "
                    + maxSteps + " steps, " + maxTime);
        }
    }
}

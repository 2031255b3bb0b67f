package org.tdpipe.model.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.Node;
import java.util.function.BiConsumer;

/** The steps and time one rendering has left; Jinjava calls it before evaluating every template node. */
final class RenderBudget implements BiConsumer<Node, JinjavaInterpreter> {
    private final RenderLimits limits;
    private final long deadlineNanos;
    private long steps;

    RenderBudget(RenderLimits limits) {
        this.limits = limits;
        this.deadlineNanos = System.nanoTime() + limits.maxTime().toNanos();
    }

    @Override
    public void accept(Node node, JinjavaInterpreter interpreter) {
        if (++steps > limits.maxSteps()) {
            throw new LimitExceeded("rendering the chat template took over " + limits.maxSteps()
                    + " template steps (the step limit)");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new LimitExceeded("rendering the chat template took over " + limits.maxTime().toMillis()
                    + " ms (the time limit)");
        }
    }

    /** Thrown through Jinjava, which wraps it; {@link ChatTemplate} finds it in the cause chain. */
    static final class LimitExceeded extends RuntimeException {
        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }
}

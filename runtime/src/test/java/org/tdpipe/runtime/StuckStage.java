package org.tdpipe.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.step.BatchLayout;

/**
 * A stage that computes as {@code real} until a batch {@code stuckOn} picks: there its forward pass
 * never returns until {@link #release}, and it ignores interrupts meanwhile — a deadlock or an
 * endless loop while the process stays alive.
 */
public final class StuckStage extends ForwardingStage {
    private final Predicate<BatchLayout> stuckOn;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    public StuckStage(StageComputation real, Predicate<BatchLayout> stuckOn) {
        super(real);
        this.stuckOn = stuckOn;
    }

    /** Stuck on the {@code n}-th batch it computes (counting from 1). */
    public static StuckStage onBatchNumber(StageComputation real, int n) {
        int[] seen = {0};
        return new StuckStage(real, batch -> ++seen[0] == n);
    }

    /** Waits until a forward pass is stuck. */
    public void awaitStuck() throws InterruptedException {
        entered.await();
    }

    /** Lets a stuck forward pass fail, so that the thread can be stopped. */
    public void release() {
        released.countDown();
    }

    @Override
    public HiddenStates forward(BatchLayout layout, HiddenStates input) {
        if (stuckOn.test(layout)) {
            entered.countDown();
            boolean interrupted = false;
            while (released.getCount() > 0) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("released after being stuck");
        }
        return super.forward(layout, input);
    }
}

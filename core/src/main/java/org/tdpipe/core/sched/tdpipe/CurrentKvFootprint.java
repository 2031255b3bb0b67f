package org.tdpipe.core.sched.tdpipe;

import org.tdpipe.core.request.Request;

/**
 * The forecast of a TD-Pipe without an output-length predictor: the blocks the requests hold at
 * their current length, with no growth and no finishes ahead. Prefill therefore stops only when
 * memory is (nearly) full, and the decode growth that follows is absorbed by preemption.
 */
public final class CurrentKvFootprint implements KvUsageForecast {
    private final int blockSize;
    private long blocks;

    public CurrentKvFootprint(int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    @Override
    public void clear() {
        blocks = 0;
    }

    @Override
    public void addNew(Request request) {
        addInFlight(request);
    }

    @Override
    public void addInFlight(Request request) {
        blocks += (request.numTokens() + blockSize - 1) / blockSize;
    }

    @Override
    public double predictedPeak() {
        return blocks;
    }
}

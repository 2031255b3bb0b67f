package org.tdpipe.model.llama;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tdpipe.model.step.BatchLayout;

/**
 * One pipeline stage split over N tensor-parallel ranks in this process: each rank a
 * {@link LlamaStage} of its {@link TensorShard} on its own kernel threads, all running the batch at
 * once and meeting in an {@link InProcessAllReduce} twice per layer. Rank 0 embeds for all (the
 * others start from a copy) and computes the logits; after every layer all ranks hold the same
 * residual stream, bit for bit.
 */
public final class TensorParallelStage implements StageModel {
    private final List<LlamaStage> ranks;
    private final InProcessAllReduce allReduce;
    private final ExecutorService rankThreads;

    /** {@code ranks.get(r)} is rank r of {@code ranks.size()}, built with {@code allReduce.rank(r)}. */
    public TensorParallelStage(List<LlamaStage> ranks, InProcessAllReduce allReduce) {
        if (ranks.size() < 2) {
            throw new IllegalArgumentException("a tensor-parallel stage needs at least 2 ranks, got " + ranks.size());
        }
        this.ranks = List.copyOf(ranks);
        this.allReduce = allReduce;
        this.rankThreads = Executors.newFixedThreadPool(ranks.size() - 1,
                Thread.ofPlatform().name("tdpipe-tp-rank-", 1).daemon().factory());
    }

    @Override
    public LayerRange range() {
        return ranks.getFirst().range();
    }

    @Override
    public HiddenStates embed(BatchLayout layout) {
        return ranks.getFirst().embed(layout);
    }

    @Override
    public HiddenStates forward(BatchLayout layout, HiddenStates input) {
        List<Future<?>> others = new ArrayList<>(ranks.size() - 1);
        for (int r = 1; r < ranks.size(); r++) {
            LlamaStage rank = ranks.get(r);
            HiddenStates own = new HiddenStates(input.numTokens(), input.dim(), input.data().clone());
            others.add(rankThreads.submit(() -> runRank(rank, layout, own)));
        }
        RuntimeException failure = null;
        try {
            runRank(ranks.getFirst(), layout, input);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                allReduce.abort();
                throw new IllegalStateException("interrupted while the tensor-parallel ranks ran", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return input;
    }

    /** Runs one rank; a failure releases the other ranks from the all-reduce they would wait in forever. */
    private HiddenStates runRank(LlamaStage rank, BatchLayout layout, HiddenStates input) {
        try {
            return rank.forward(layout, input);
        } catch (RuntimeException | Error e) {
            allReduce.abort();
            throw e;
        }
    }

    @Override
    public float[] logits(HiddenStates hidden, int[] rowsOfHidden) {
        return ranks.getFirst().logits(hidden, rowsOfHidden);
    }

    @Override
    public float[] logitsOfEveryRow(HiddenStates hidden) {
        return ranks.getFirst().logitsOfEveryRow(hidden);
    }

    /** Stops the rank threads (the ranks' kernel pools belong to whoever made them). */
    @Override
    public void close() {
        rankThreads.shutdownNow();
    }
}

package org.tdpipe.core.timeline;

/**
 * Why a pipeline stage sat idle; {@link BubbleAttribution} gives every idle nanosecond exactly one.
 * The rules are documented there.
 */
public enum BubbleCause {
    /** Not enough work to fill the pipeline: before a stage's first batch, after its last, or while the engine had a free slot and no request waiting. */
    FILL_DRAIN("fill_drain", "fill/drain"),
    /** The round after a change between prefill, decode and mixed batches (a long prefill phase starting or ending). */
    PHASE_SWITCH("phase_switch", "phase switch"),
    /** The round after a short prefill run wedged between decode runs: the decode batches queue behind it. */
    TOP_UP_STALL("top_up_stall", "top-up stall"),
    /** Inside a steady run of one phase: unequal micro-batches and closed-loop dependencies. */
    BATCH_IMBALANCE("batch_imbalance", "imbalance"),
    /** The engine had a free slot and requests waiting, but the policy admitted none (its admission gate is KV memory). */
    MEMORY("memory", "memory");

    private final String key;
    private final String label;

    BubbleCause(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** snake_case name for JSON. */
    public String key() {
        return key;
    }

    /** Short name for tables and charts. */
    public String label() {
        return label;
    }
}

package org.tdpipe.core.kv;

/** Answer of {@link BlockManager#canAllocate}: as vLLM's {@code AllocStatus}. */
public enum AllocStatus {
    /** Enough free blocks now (above the watermark). */
    OK,
    /** Not now; it will fit once other requests free their blocks. */
    LATER,
    /** Never: the request needs more blocks than the whole cache (minus the watermark) holds. */
    NEVER;
}

package org.tdpipe.core.exec;

/** What a batch computes: only prompts, only single decode tokens, or both (chunked prefill). */
public enum Phase {
    PREFILL,
    DECODE,
    MIXED;
}

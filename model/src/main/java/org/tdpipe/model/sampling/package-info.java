/**
 * Token selection with vLLM's sampling parameters (penalties, greedy, temperature, min-p, top-k,
 * top-p, per-request seeds reproducible whatever the batch, log-probabilities) and stop strings.
 */
package org.tdpipe.model.sampling;

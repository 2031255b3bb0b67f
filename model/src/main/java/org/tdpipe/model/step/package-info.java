/**
 * The plain contract below the engine: {@link org.tdpipe.model.step.StepInput}, what every stage
 * gets for one step (per sequence the tokens fed, their positions, new KV block ids and, when it
 * starts, its prompt length and {@link org.tdpipe.model.step.SamplingSettings}) — the same value in
 * this process and on the wire — and {@link org.tdpipe.model.step.SequenceTable}, the stage's record
 * of its sequences that turns each step into a {@link org.tdpipe.model.step.BatchLayout}. Nothing
 * here sees the engine's requests.
 */
package org.tdpipe.model.step;

/**
 * The execution plane of the hierarchy controller (DESIGN §2.1, §4) on real model execution:
 * {@link org.tdpipe.runtime.StageWorker}s each own a layer slice and its KV cache and run on their
 * own thread; the controller hands every stage a batch's metadata at launch, activations flow
 * point-to-point from stage to stage over {@link org.tdpipe.runtime.ActivationSink} /
 * {@link org.tdpipe.runtime.ActivationSource} links, and the last stage reports sampled tokens back
 * ({@link org.tdpipe.runtime.WorkerReport}). {@link org.tdpipe.runtime.LocalExecutor} wires P
 * workers in one JVM; {@link org.tdpipe.runtime.LayerPartitioner} decides who holds which layers.
 */
package org.tdpipe.runtime;

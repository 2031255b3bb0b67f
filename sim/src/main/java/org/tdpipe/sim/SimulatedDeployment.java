package org.tdpipe.sim;

import org.tdpipe.core.profile.Profile;

/**
 * What a run on the simulated cluster needs besides the policy: the executor, the cost table the
 * policy believes, and the KV cache size it may schedule into.
 *
 * @param numStages pipeline depth the policy plans for (1 for tensor parallelism)
 */
public record SimulatedDeployment(SimulatedExecutor executor, Profile schedulerProfile, KvCapacity kvCapacity, int numStages) {
}

package org.tdpipe.sim;

import java.util.Locale;

/** Where the simulator's ground-truth stage times come from. */
public enum CostMode {
    /** TD-Pipe's own belief: {@code T[n] / P} from a measured profile (the faithful mode). */
    PROFILE,
    /** The calibrated roofline: context-dependent attention, unequal first/last stages. */
    ROOFLINE;

    public static CostMode byName(String name) {
        for (CostMode m : values()) {
            if (m.name().equalsIgnoreCase(name.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown cost mode '" + name + "'; known: profile, roofline");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

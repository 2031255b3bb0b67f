package org.tdpipe.core.exec;

/** Engine time in nanoseconds: the wall clock for real executors, virtual time in the simulator. */
public interface Clock {
    long nanos();
}

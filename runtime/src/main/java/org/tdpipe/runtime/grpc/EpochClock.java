package org.tdpipe.runtime.grpc;

import java.time.Instant;
import org.tdpipe.core.exec.Clock;

/**
 * Nanoseconds since the Unix epoch: the clock stage workers in different processes stamp their
 * spans with, so that the controller can put them on its own time axis (hosts must be in NTP sync).
 */
final class EpochClock implements Clock {
    @Override
    public long nanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}

package org.tdpipe.core.engine;

import java.util.List;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.SchedulerStats;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.core.timeline.TimelineStats;

/**
 * The outcome of running a workload to completion: every request (finished), the policy's final
 * counters and the executor's timeline.
 *
 * @param elapsedNanos engine time from 0 (the first possible arrival) to the last finish
 */
public record RunResult(
        String policy,
        List<Request> requests,
        long elapsedNanos,
        SchedulerStats schedulerStats,
        Timeline timeline,
        TimelineStats timelineStats) {

    public long promptTokens() {
        long n = 0;
        for (Request r : requests) {
            n += r.promptLength();
        }
        return n;
    }

    public long outputTokens() {
        long n = 0;
        for (Request r : requests) {
            n += r.numOutputTokens();
        }
        return n;
    }

    public double elapsedSeconds() {
        return elapsedNanos / 1e9;
    }

    public double requestsPerSecond() {
        return requests.size() / elapsedSeconds();
    }

    public double totalTokensPerSecond() {
        return (promptTokens() + outputTokens()) / elapsedSeconds();
    }

    public double outputTokensPerSecond() {
        return outputTokens() / elapsedSeconds();
    }
}

package org.tdpipe.core.sched.vllm;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.tdpipe.core.request.Request;

/** First-come-first-served order: arrival time, then id. The youngest request is preempted first. */
final class ArrivalOrder {
    static final Comparator<Request> FCFS =
            Comparator.comparingLong(Request::arrivalNanos).thenComparingLong(Request::id);

    private ArrivalOrder() {
    }

    /** Inserts {@code request} into {@code list}, which is sorted FCFS, keeping it sorted. */
    static void insert(List<Request> list, Request request) {
        int at = Collections.binarySearch(list, request, FCFS);
        list.add(at < 0 ? -at - 1 : at, request);
    }
}

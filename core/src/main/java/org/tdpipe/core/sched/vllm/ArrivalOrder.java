package org.tdpipe.core.sched.vllm;

import java.util.Collections;
import java.util.List;
import org.tdpipe.core.request.Request;

/** Keeps lists in first-come-first-served order ({@link Request#ARRIVAL_ORDER}). */
final class ArrivalOrder {
    private ArrivalOrder() {
    }

    /** Inserts {@code request} into {@code list}, which is sorted FCFS, keeping it sorted. */
    static void insert(List<Request> list, Request request) {
        int at = Collections.binarySearch(list, request, Request.ARRIVAL_ORDER);
        list.add(at < 0 ? -at - 1 : at, request);
    }
}

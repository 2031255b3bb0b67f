package org.tdpipe.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.tdpipe.core.engine.OnlineEngine;
import org.tdpipe.core.request.Request;
import org.tdpipe.model.sampling.OutputText;

/**
 * The engine requests of one API call (one per choice) and the events they produce, in the order
 * the engine produced them. Every choice ends with exactly one {@link ChoiceEvent.Done}.
 */
final class Generation {
    private final OnlineEngine engine;
    private final List<Request> requests;
    private final BlockingQueue<ChoiceEvent> events = new LinkedBlockingQueue<>();

    private Generation(OnlineEngine engine, List<Request> requests) {
        this.engine = engine;
        this.requests = requests;
    }

    /** Creates one engine request per choice of {@code request} and submits them all (or throws 429/503). */
    static Generation start(OnlineEngine engine, Admission admission, ServedModel model, GenerationRequest request, String id) {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < request.numChoices(); i++) {
            requests.add(engine.newRequest(id + "-" + i, request.promptOf(i), request.samplingOf(i)));
        }
        Generation generation = new Generation(engine, List.copyOf(requests));
        List<ChoiceTracker> trackers = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            OutputText text = new OutputText(model.tokenizer(), request.promptOf(i), request.samplingOf(i), request.text());
            trackers.add(new ChoiceTracker(i, text, request.echoOf(i), request.logprobs(), request.promptLogprobs(),
                    generation.events::add));
        }
        admission.submit(requests, trackers);
        return generation;
    }

    int numChoices() {
        return requests.size();
    }

    /** The next event, waiting for it. */
    ChoiceEvent next() throws InterruptedException {
        return events.take();
    }

    /** Cancels every choice (the client went away); their KV blocks are freed by the engine. */
    void abort() {
        for (Request r : requests) {
            engine.abort(r.id());
        }
    }
}

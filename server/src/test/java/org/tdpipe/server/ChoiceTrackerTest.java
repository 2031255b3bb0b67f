package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.dummy.ByteTokenizer;
import org.tdpipe.model.sampling.OutputText;
import org.tdpipe.model.sampling.OutputTextOptions;

class ChoiceTrackerTest {
    private final ByteTokenizer tokenizer = new ByteTokenizer(300);
    private final List<ChoiceEvent> events = new ArrayList<>();

    private ChoiceTracker tracker(List<String> stop) {
        return tracker(request(stop), "");
    }

    private ChoiceTracker tracker(Request r, String echo) {
        OutputText text = new OutputText(tokenizer, r.promptTokens(), r.sampling(), OutputTextOptions.DEFAULT);
        return new ChoiceTracker(0, text, echo.isEmpty() ? Echo.NONE : new Echo(echo, 1, false), false, false, events::add);
    }

    private static Request request(List<String> stop) {
        SamplingParams p = SamplingParams.greedy(100);
        p = new SamplingParams(p.maxTokens(), 0, 1, -1, 0, null, 1, 0, 0, false, List.of(), stop, 0);
        return new Request(0, "r", new int[] {1}, p, 0);
    }

    private String streamedText() {
        StringBuilder text = new StringBuilder();
        for (ChoiceEvent e : events) {
            if (e instanceof ChoiceEvent.Delta d) {
                text.append(d.text());
            }
        }
        return text.toString();
    }

    /** Feeds {@code text} byte by byte until the tracker asks to stop; returns how many tokens it took. */
    private int feed(ChoiceTracker tracker, Request request, String text) {
        int[] ids = tokenizer.encode(text, false);
        for (int i = 0; i < ids.length; i++) {
            if (!tracker.onToken(request, SampledToken.withoutLogprobs(ids[i]))) {
                return i + 1;
            }
        }
        return ids.length;
    }

    @Test
    void aStopStringStopsTheRequestAndNoPartOfItIsEverSent() {
        Request r = request(List.of("world"));
        ChoiceTracker tracker = tracker(List.of("world"));
        int fed = feed(tracker, r, "hello wor wonderful world and more");
        assertEquals("hello wor wonderful world".length(), fed, "stopped at the token that completed the stop string");
        assertTrue("hello wor wonderful ".startsWith(streamedText()), "sent so far: " + streamedText());
        r.markFinished(FinishReason.STOP, 0);
        tracker.onFinished(r);
        assertEquals("hello wor wonderful ", streamedText());
        ChoiceEvent.Done done = (ChoiceEvent.Done) events.getLast();
        assertEquals("stop", done.finishReason());
    }

    @Test
    void withoutStopStringsTextIsSentAsSoonAsItsCharactersAreComplete() {
        Request r = request(List.of());
        ChoiceTracker tracker = tracker(List.of());
        int[] ids = tokenizer.encode("aé", false); // 'a', then the two bytes of 'é'
        tracker.onToken(r, SampledToken.withoutLogprobs(ids[0]));
        tracker.onToken(r, SampledToken.withoutLogprobs(ids[1]));
        assertEquals("a", streamedText(), "half a character is held back");
        tracker.onToken(r, SampledToken.withoutLogprobs(ids[2]));
        assertEquals("aé", streamedText());
        tracker.onToken(r, SampledToken.withoutLogprobs(tokenizer.eosId()));
        assertEquals("aé", streamedText(), "EOS adds no text");
        r.markFinished(FinishReason.STOP, 0);
        tracker.onFinished(r);
        assertTrue(events.getLast() instanceof ChoiceEvent.Done);
    }

    @Test
    void heldBackTextIsReleasedWhenTheRequestEndsWithoutMatching() {
        Request r = request(List.of("STOP!"));
        ChoiceTracker tracker = tracker(List.of("STOP!"));
        feed(tracker, r, "all STOP");
        assertEquals("all ", streamedText(), "the last 4 characters may start a stop string");
        r.markFinished(FinishReason.LENGTH, 0);
        tracker.onFinished(r);
        assertEquals("all STOP", streamedText());
        assertEquals("length", ((ChoiceEvent.Done) events.getLast()).finishReason());
    }

    @Test
    void anEchoedPromptIsPublishedBeforeTheOutput() {
        Request r = request(List.of());
        ChoiceTracker tracker = tracker(r, "Once upon");
        assertEquals("Once upon", streamedText(), "published at once, before any token");
        feed(tracker, r, " a time");
        assertEquals("Once upon a time", streamedText());
    }
}

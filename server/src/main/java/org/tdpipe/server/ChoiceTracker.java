package org.tdpipe.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.Request;
import org.tdpipe.model.sampling.StopStrings;
import org.tdpipe.model.tokenizer.StreamingDetokenizer;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Follows one choice on the engine thread: turns its tokens into text, cuts the text at the first
 * stop string (finishing the request), and publishes {@link ChoiceEvent}s. While stop strings are
 * set, the last {@code longest stop - 1} characters are held back, since they may be the start of
 * a stop string that the next tokens complete.
 */
final class ChoiceTracker implements EngineListener {
    private final int index;
    private final Tokenizer tokenizer;
    private final StreamingDetokenizer detokenizer;
    private final StopStrings stops;
    private final int holdBack;
    private final boolean logprobs;
    private final Consumer<ChoiceEvent> sink;
    private final StringBuilder text = new StringBuilder();
    private final List<SampledToken> unsent = new ArrayList<>();
    private int sent;
    private boolean stopped;

    ChoiceTracker(int index, Tokenizer tokenizer, int[] prompt, List<String> stop, boolean logprobs,
            Consumer<ChoiceEvent> sink) {
        this.index = index;
        this.tokenizer = tokenizer;
        this.detokenizer = new StreamingDetokenizer(tokenizer);
        this.stops = new StopStrings(stop);
        this.holdBack = stop.stream().mapToInt(String::length).max().orElse(1) - 1;
        this.logprobs = logprobs;
        this.sink = sink;
        for (int t : prompt) {
            detokenizer.accept(t); // the detokenizer's state after the prompt (e.g. SentencePiece's leading space)
        }
    }

    @Override
    public boolean onToken(Request request, SampledToken sampled) {
        if (logprobs) {
            unsent.add(sampled);
        }
        int token = sampled.token();
        boolean special = !request.sampling().ignoreEos()
                && (token == tokenizer.eosId() || request.sampling().stopTokenIds().contains(token));
        if (!special) {
            append(detokenizer.accept(token));
        }
        publish(stopped ? text.length() : Math.max(sent, text.length() - holdBack));
        return !stopped;
    }

    @Override
    public void onFinished(Request request) {
        if (!stopped) {
            append(detokenizer.flush());
        }
        publish(text.length());
        String reason = request.finishReason().openAiName();
        sink.accept(new ChoiceEvent.Done(index, reason, request.promptLength(), request.numOutputTokens(), request.error()));
    }

    private void append(String delta) {
        int before = text.length();
        text.append(delta);
        if (!stops.isEmpty()) {
            int at = stops.find(text.toString(), before);
            if (at >= 0) {
                text.setLength(at);
                stopped = true;
            }
        }
    }

    /** Sends the text up to {@code end} not sent yet, with the tokens gathered since the last event. */
    private void publish(int end) {
        int to = Math.max(sent, Math.min(end, text.length()));
        if (to == sent && unsent.isEmpty()) {
            return;
        }
        sink.accept(new ChoiceEvent.Delta(index, text.substring(sent, to), List.copyOf(unsent)));
        sent = to;
        unsent.clear();
    }
}

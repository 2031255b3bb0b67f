package org.tdpipe.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.Request;
import org.tdpipe.model.sampling.OutputText;

/**
 * Follows one choice on the engine thread: turns its tokens into {@link OutputText} (which may end
 * the request at a stop string) and publishes {@link ChoiceEvent}s. While the output goes on, the
 * characters a stop string may still claim are held back. An echoed prompt is published first: at
 * once, or, with its log-probabilities, once the prompt is scored (at the first token).
 */
final class ChoiceTracker implements EngineListener {
    private final int index;
    private final OutputText text;
    private final boolean logprobs;
    private final boolean reportPromptLogprobs;
    private final Consumer<ChoiceEvent> sink;
    private final List<SampledToken> unsent = new ArrayList<>();
    private Echo pendingEcho = Echo.NONE;
    private int sent;

    /** {@code reportPromptLogprobs}: the choice's finish carries the prompt's scores ({@code prompt_logprobs}). */
    ChoiceTracker(int index, OutputText text, Echo echo, boolean logprobs, boolean reportPromptLogprobs, Consumer<ChoiceEvent> sink) {
        this.index = index;
        this.text = text;
        this.logprobs = logprobs;
        this.reportPromptLogprobs = reportPromptLogprobs;
        this.sink = sink;
        if (echo.withLogprobs()) {
            pendingEcho = echo;
        } else if (!echo.text().isEmpty()) {
            sink.accept(new ChoiceEvent.Delta(index, echo.text(), List.of()));
        }
    }

    @Override
    public boolean onToken(Request request, SampledToken sampled) {
        publishEcho(request);
        if (logprobs) {
            unsent.add(sampled);
        }
        boolean more = text.accept(sampled.token());
        publish(more ? Math.max(sent, text.length() - text.holdBack()) : text.length());
        return more;
    }

    @Override
    public void onFinished(Request request) {
        publishEcho(request);
        text.finish();
        publish(text.length());
        String reason = request.finishReason().openAiName();
        Optional<PromptLogprobs> prompt = reportPromptLogprobs ? Optional.of(request.promptLogprobs()) : Optional.empty();
        sink.accept(new ChoiceEvent.Done(index, reason, request.promptLength(), request.numOutputTokens(), request.error(), prompt));
    }

    /** The echoed prompt with its scores, which the first token (or the finish) shows to be complete. */
    private void publishEcho(Request request) {
        if (pendingEcho.withLogprobs()) {
            sink.accept(new ChoiceEvent.Delta(index, pendingEcho.text(), List.of(),
                    Optional.of(new ChoiceEvent.EchoedPrompt(pendingEcho.firstToken(), request.promptLogprobs()))));
            pendingEcho = Echo.NONE;
        }
    }

    /** Sends the text up to {@code end} not sent yet, with the tokens gathered since the last event. */
    private void publish(int end) {
        int to = Math.max(sent, Math.min(end, text.length()));
        if (to == sent && unsent.isEmpty()) {
            return;
        }
        sink.accept(new ChoiceEvent.Delta(index, text.text(sent, to), List.copyOf(unsent)));
        sent = to;
        unsent.clear();
    }
}

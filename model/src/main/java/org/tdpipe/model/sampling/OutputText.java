package org.tdpipe.model.sampling;

import java.util.Optional;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.tokenizer.StreamingDetokenizer;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * The text of one request's output as its tokens arrive, with vLLM's rules: the token that ends the
 * request (EOS unless {@code ignore_eos}, a stop token id) adds no text, the output is cut at the
 * first stop string, stop strings are looked for only once {@code min_tokens} tokens are out, and
 * {@code include_stop_str_in_output} keeps what ended it.
 */
public final class OutputText {
    private final Tokenizer tokenizer;
    private final SamplingParams sampling;
    private final OutputTextOptions options;
    private final StreamingDetokenizer detokenizer;
    private final StopStrings stops;
    private final StringBuilder text = new StringBuilder();
    private int outputs;
    private boolean stopped;

    public OutputText(Tokenizer tokenizer, int[] prompt, SamplingParams sampling, OutputTextOptions options) {
        this.tokenizer = tokenizer;
        this.sampling = sampling;
        this.options = options;
        this.detokenizer = StreamingDetokenizer.continuing(tokenizer, options.decode(), prompt);
        this.stops = new StopStrings(sampling.stop());
    }

    /** Adds the text of the next output token; returns false once a stop string has ended the output. */
    public boolean accept(int token) {
        outputs++;
        if (!stopped && (options.includeStopStr() || !endsRequest(token))) {
            append(detokenizer.accept(token));
        }
        return !stopped;
    }

    /** Releases the text held back for an unfinished character when the request has finished. */
    public void finish() {
        if (!stopped) {
            append(detokenizer.flush());
        }
    }

    public boolean stopped() {
        return stopped;
    }

    public String text() {
        return text.toString();
    }

    /** The characters of the text in [{@code from}, {@code to}). */
    public String text(int from, int to) {
        return text.substring(from, to);
    }

    public int length() {
        return text.length();
    }

    /**
     * Characters at the end of the text that a stop string may still claim (the longest stop string
     * less one), which a stream should hold back while the output goes on.
     */
    public int holdBack() {
        return Math.max(0, stops.longest() - 1);
    }

    private boolean endsRequest(int token) {
        return (!sampling.ignoreEos() && token == tokenizer.eosId()) || sampling.stopTokenIds().contains(token);
    }

    private void append(String delta) {
        int before = text.length();
        text.append(delta);
        if (stops.isEmpty() || outputs <= sampling.minTokens().count()) {
            return;
        }
        Optional<StopStrings.Match> match = stops.find(text.toString(), before);
        if (match.isPresent()) {
            text.setLength(options.includeStopStr() ? match.get().end() : match.get().start());
            stopped = true;
        }
    }
}

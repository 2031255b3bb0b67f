package org.tdpipe.core.predict;

/**
 * How a benchmark workload's lengths relate to the trace a learned predictor was trained on: a
 * request of the workload has {@code prompt ×} its trace prompt tokens and {@code output ×} its
 * trace output tokens (a trace scaled down to run on a small machine). A learned predictor maps a
 * request back to the trace's scale, predicts there, and scales its prediction to the workload's.
 *
 * @param prompt factor in (0, 1] applied to prompt lengths
 * @param output factor in (0, 1] applied to output lengths
 */
public record LengthScale(double prompt, double output) {
    /** The workload is the trace. */
    public static final LengthScale IDENTITY = new LengthScale(1, 1);

    public LengthScale {
        if (!(prompt > 0 && prompt <= 1) || !(output > 0 && output <= 1)) {
            throw new IllegalArgumentException("length scale factors must be in (0, 1], got " + prompt + " and " + output);
        }
    }

    /** The trace prompt length of a workload prompt of {@code tokens} (at least 1). */
    public int tracePromptTokens(int tokens) {
        return toTrace(tokens, prompt);
    }

    /** The trace output length of a workload output of {@code tokens} (at least 1). */
    public int traceOutputTokens(int tokens) {
        return toTrace(tokens, output);
    }

    /** A predicted distribution of trace output lengths, as workload output lengths. */
    public LengthDistribution toWorkload(LengthDistribution traceLengths) {
        return traceLengths.scaled(output);
    }

    private static int toTrace(int tokens, double factor) {
        return (int) Math.max(1, Math.round(tokens / factor));
    }
}

package org.tdpipe.core.predict.learned;

import java.util.Optional;
import org.tdpipe.core.predict.LengthDistribution;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.predict.LengthScale;
import org.tdpipe.core.predict.RecentAccuracy;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;

/**
 * A learned bucket classifier (μ-Serve style) behind the {@link LengthPredictor} interface. The
 * point prediction is the median of the predicted distribution (the error-minimising choice for
 * mean absolute error). Every finished request is scored against what the model predicts for it
 * before learning from it (prequential accuracy over a bounded window); when {@code online}, the
 * model then takes one SGD step towards the request's true bucket. Holds its own copy of the model.
 * With a {@link LengthScale} other than identity, requests are lengths of a scaled-down copy of the
 * trace the model learned: they are predicted, and learned from, at the trace's scale.
 */
public final class LearnedLengthPredictor implements LengthPredictor {
    /** Finished requests in the recent-accuracy window. */
    public static final int DEFAULT_WINDOW = 1000;
    /** SGD step size of online updates: a tenth of the first training epoch's. */
    public static final double ONLINE_LEARNING_RATE = 0.01;
    public static final double ONLINE_L2 = 1e-6;

    private final String name;
    private final LengthModel model;
    private final boolean online;
    private final AccuracyWindow recent;
    private final LengthScale scale;

    public LearnedLengthPredictor(String name, LengthModel model, boolean online, int window) {
        this(name, model, online, window, LengthScale.IDENTITY);
    }

    public LearnedLengthPredictor(String name, LengthModel model, boolean online, int window, LengthScale scale) {
        this.name = name;
        this.model = model.copy();
        this.online = online;
        this.recent = new AccuracyWindow(window);
        this.scale = scale;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int predictOutputLength(Request request) {
        return pointPrediction(distribution(request));
    }

    @Override
    public Optional<LengthDistribution> predictDistribution(Request request) {
        return Optional.of(distribution(request));
    }

    private LengthDistribution distribution(Request request) {
        return scale.toWorkload(model.distribution(traceQuery(request)));
    }

    private LengthQuery traceQuery(Request request) {
        LengthQuery q = LengthQuery.of(request);
        return scale.equals(LengthScale.IDENTITY) ? q
                : new LengthQuery(scale.tracePromptTokens(q.promptTokens()), q.text(),
                        q.maxTokens() == 0 ? 0 : scale.traceOutputTokens(q.maxTokens()), q.temperature());
    }

    @Override
    public void observe(Request finished) {
        if (finished.finishReason() == FinishReason.ABORT || finished.finishReason() == FinishReason.ERROR
                || finished.numOutputTokens() < 1) {
            return;
        }
        LengthExample example = new LengthExample(traceQuery(finished), scale.traceOutputTokens(finished.numOutputTokens()));
        LengthDistribution predicted = online
                ? model.distribution(example.query(), model.learn(example, ONLINE_LEARNING_RATE, ONLINE_L2))
                : model.distribution(example.query());
        int truth = example.outputTokens();
        // scored at the trace's scale, where the buckets are the model's own
        recent.record(predicted.mostLikelyBucket() == predicted.bucketOf(truth),
                pointPrediction(scale.toWorkload(predicted)), finished.numOutputTokens());
    }

    /** Accuracy over the last finished requests (up to the window size); safe to call from any thread. */
    @Override
    public RecentAccuracy recentAccuracy() {
        return recent.snapshot();
    }

    /** The model as it is now (a copy): after online learning it differs from the loaded one. */
    public LengthModel model() {
        return model.copy();
    }

    static int pointPrediction(LengthDistribution distribution) {
        return Math.max(1, distribution.quantile(0.5));
    }
}

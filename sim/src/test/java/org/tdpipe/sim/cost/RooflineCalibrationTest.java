package org.tdpipe.sim.cost;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.sim.SharedData;
import org.tdpipe.sim.hw.GpuCatalog;
import org.tdpipe.sim.model.ModelCatalog;

/** The roofline with {@link RooflineEfficiency#L20_CALIBRATED} against TD-Pipe's measured L20 profiles. */
class RooflineCalibrationTest {
    private static final int[] POINTS = {1, 64, 256, 1024, 2048};

    @Test
    void llama2_13bForwardMatchesTheL20ProfileWithin15Percent() {
        double worst = compare("profiles/L20-Llama-13B.csv", "llama-2-13b");
        assertTrue(worst <= 0.15, "worst error " + worst);
    }

    /**
     * OPT-125m is launch-bound up to ~512 tokens (the floor fits there) and its narrow GEMMs reach a
     * lower fraction of peak than the 13B ones the efficiencies were fitted on: ~25% low above 1k tokens.
     */
    @Test
    void opt125mForwardIsWithin30PercentOfTheL20Profile() {
        double worst = compare("profiles/L20-opt-125m.csv", "opt-125m");
        assertTrue(worst <= 0.30, "worst error " + worst);
    }

    private static double compare(String profileFile, String model) {
        Profile measured = Profile.read(SharedData.file(profileFile));
        RooflineStageCost roofline = new RooflineStageCost(new TransformerRoofline(GpuCatalog.standard().get("l20"),
                ModelCatalog.standard().get(model), RooflineEfficiency.L20_CALIBRATED, 1));
        StringBuilder report = new StringBuilder(model + " on L20:\n");
        double worst = 0;
        for (int n : POINTS) {
            double predicted = roofline.stageNanos(BatchLoad.prefill(n), 0, 1) / 1e6;
            double actual = measured.forwardMs(n);
            double error = predicted / actual - 1;
            worst = Math.max(worst, Math.abs(error));
            report.append(String.format(Locale.ROOT, "  n=%d: roofline %.2f ms, profile %.2f ms, error %+.1f%%%n",
                    n, predicted, actual, 100 * error));
        }
        double sum = 0;
        for (int n = 1; n <= measured.maxTokens(); n++) {
            sum += Math.abs(roofline.stageNanos(BatchLoad.prefill(n), 0, 1) / 1e6 / measured.forwardMs(n) - 1);
        }
        report.append(String.format(Locale.ROOT, "  mean absolute error over n = 1..%d: %.1f%%%n",
                measured.maxTokens(), 100 * sum / measured.maxTokens()));
        System.out.print(report);
        return worst;
    }
}

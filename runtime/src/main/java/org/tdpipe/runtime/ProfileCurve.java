package org.tdpipe.runtime;

import java.util.Arrays;
import org.tdpipe.core.profile.Profile;

/** Forward times measured at a few batch sizes, read off at every size by linear interpolation. */
public final class ProfileCurve {
    private ProfileCurve() {
    }

    /**
     * A {@link Profile} with rows {@code 1..tokens[last]}: the measured points joined by straight
     * lines, flat below the first point.
     *
     * @param tokens increasing batch sizes, the first >= 1
     * @param ms forward time measured at each size
     */
    public static Profile interpolate(String source, int[] tokens, double[] ms) {
        if (tokens.length == 0 || tokens.length != ms.length) {
            throw new IllegalArgumentException(source + ": " + tokens.length + " batch sizes but " + ms.length + " times");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 1 || (i > 0 && tokens[i] <= tokens[i - 1])) {
                throw new IllegalArgumentException(source + ": batch sizes must increase from >= 1, got " + Arrays.toString(tokens));
            }
        }
        double[] rows = new double[tokens[tokens.length - 1]];
        int point = 0;
        for (int n = 1; n <= rows.length; n++) {
            while (tokens[point] < n) {
                point++;
            }
            if (point == 0 || tokens[point] == n) {
                rows[n - 1] = ms[point];
            } else {
                double f = (double) (n - tokens[point - 1]) / (tokens[point] - tokens[point - 1]);
                rows[n - 1] = ms[point - 1] + f * (ms[point] - ms[point - 1]);
            }
        }
        return new Profile(source, rows);
    }
}

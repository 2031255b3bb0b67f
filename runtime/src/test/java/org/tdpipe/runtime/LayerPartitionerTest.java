package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.llama.LayerRange;

class LayerPartitionerTest {
    private static StageCosts uniform(int layers, double head) {
        double[] costs = new double[layers];
        Arrays.fill(costs, 1.0);
        return new StageCosts(costs, 0, head);
    }

    private static List<Integer> sizes(List<LayerRange> ranges) {
        return ranges.stream().map(LayerRange::size).toList();
    }

    @Test
    void equalLayersWithoutEndsSplitEvenly() {
        assertEquals(List.of(3, 3, 3, 3), sizes(LayerPartitioner.balanced(uniform(12, 0), 4)));
    }

    @Test
    void aHeavyLmHeadLeavesTheLastStageFewerLayers() {
        // 12 layers of 1 plus a head worth 3.5 layers: 8 | 4 + 3.5 beats 7 | 5 + 3.5 and 6 | 6 + 3.5
        assertEquals(List.of(8, 4), sizes(LayerPartitioner.balanced(uniform(12, 3.5), 2)));
    }

    @Test
    void rangesAreContiguousAndCoverTheModel() {
        List<LayerRange> ranges = LayerPartitioner.balanced(uniform(5, 0.7), 3);
        assertEquals(0, ranges.getFirst().from());
        for (int i = 1; i < ranges.size(); i++) {
            assertEquals(ranges.get(i - 1).to(), ranges.get(i).from());
        }
        assertEquals(5, ranges.getLast().to());
    }

    @Test
    void llamaCostsCountWeightsAndTheSampledShareOfTheHead() {
        // llama-110m shape: dim 768, hidden 2048, 12 heads, vocab 32000
        ModelConfig c = new ModelConfig("llama", 768, 2048, 12, 12, 12, 64, 32000, 1024, 1e-5f, 10000f, null, false, false);
        StageCosts decode = StageCosts.of(c, 1.0);
        assertEquals(4.0 * 768 * 768 + 3.0 * 768 * 2048, decode.layer(0));
        assertEquals(32000.0 * 768, decode.head());
        assertEquals(decode.head() / 2, StageCosts.of(c, 0.5).head());
        assertEquals(List.of(8, 4), sizes(LayerPartitioner.balanced(decode, 2)));
        assertEquals(List.of(6, 6), sizes(LayerPartitioner.balanced(StageCosts.of(c, 0.0), 2)));
    }

    @Property
    void noOtherContiguousSplitHasACheaperCostliestStage(@ForAll @IntRange(min = 1, max = 9) int layers,
            @ForAll @IntRange(min = 1, max = 9) int stages, @ForAll @IntRange(min = 0, max = 6) int head) {
        if (stages > layers) {
            return;
        }
        StageCosts costs = uniform(layers, head);
        double best = maxStage(costs, sizes(LayerPartitioner.balanced(costs, stages)));
        for (List<Integer> split : allSplits(layers, stages)) {
            assertTrue(best <= maxStage(costs, split), "split " + split + " beats the partitioner's");
        }
    }

    private static double maxStage(StageCosts costs, List<Integer> sizes) {
        double max = 0;
        int from = 0;
        for (int s = 0; s < sizes.size(); s++) {
            double c = sizes.get(s) + (s == 0 ? costs.embedding() : 0) + (s == sizes.size() - 1 ? costs.head() : 0);
            max = Math.max(max, c);
            from += sizes.get(s);
        }
        assertEquals(costs.numLayers(), from);
        return max;
    }

    private static List<List<Integer>> allSplits(int layers, int stages) {
        if (stages == 1) {
            return List.of(List.of(layers));
        }
        List<List<Integer>> out = new ArrayList<>();
        for (int first = 1; first <= layers - stages + 1; first++) {
            for (List<Integer> rest : allSplits(layers - first, stages - 1)) {
                List<Integer> split = new ArrayList<>(List.of(first));
                split.addAll(rest);
                out.add(split);
            }
        }
        return out;
    }

    @Test
    void anExplicitSplitIsTakenAsGiven() {
        assertEquals(List.of(new LayerRange(0, 3, 5), new LayerRange(3, 5, 5)), LayerPartitioner.explicit(new int[] {3, 2}, 5));
    }

    @Test
    void aBadExplicitSplitIsRefusedWithItsProblem() {
        var wrongTotal = assertThrows(IllegalArgumentException.class, () -> LayerPartitioner.explicit(new int[] {3, 3}, 5));
        assertEquals("layer split '3,3' covers 6 layers but the model has 5", wrongTotal.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> LayerPartitioner.explicit(new int[] {5, 0}, 5));
        assertEquals("layer split '5,0': stage 1 gets 0 layers, each stage needs at least one", empty.getMessage());
        var tooMany = assertThrows(IllegalArgumentException.class, () -> LayerPartitioner.balanced(uniform(2, 0), 3));
        assertEquals("cannot split 2 layers into 3 stages (need 1..2)", tooMany.getMessage());
    }
}

package org.tdpipe.sim.cost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LayerPartitionTest {
    private static int[] split(int layers, int stages) {
        int[] out = new int[stages];
        for (int s = 0; s < stages; s++) {
            out[s] = LayerPartition.layersOnStage(layers, stages, s);
        }
        return out;
    }

    @Test
    void extraLayersGoToTheStagesBeforeTheLast() {
        assertArrayEquals(new int[] {10, 10, 10, 10}, split(40, 4));
        assertArrayEquals(new int[] {13, 14, 13}, split(40, 3));
        assertArrayEquals(new int[] {2, 3, 3, 2}, split(10, 4));
        assertArrayEquals(new int[] {3, 3, 3, 2}, split(11, 4));
        assertArrayEquals(new int[] {40}, split(40, 1));
    }

    @Test
    void rejectsMoreStagesThanLayers() {
        assertThrows(IllegalArgumentException.class, () -> LayerPartition.layersOnStage(2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> LayerPartition.layersOnStage(8, 2, 2));
    }

    @Property
    void everyLayerIsPlacedOnceAndStagesDifferByAtMostOne(@ForAll @IntRange(min = 1, max = 120) int layers,
            @ForAll @IntRange(min = 1, max = 16) int stages) {
        if (stages > layers) {
            return;
        }
        int[] split = split(layers, stages);
        int sum = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int l : split) {
            sum += l;
            min = Math.min(min, l);
            max = Math.max(max, l);
        }
        assertEquals(layers, sum);
        assertTrue(max - min <= 1);
        assertEquals(layers / stages, split[stages - 1], "the last stage never gets an extra layer");
    }
}

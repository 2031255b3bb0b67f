package org.tdpipe.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tdpipe.sim.hw.GpuCatalog;
import org.tdpipe.sim.hw.GpuSpec;
import org.tdpipe.sim.model.ModelCatalog;
import org.tdpipe.sim.model.ModelShape;

class KvCapacityTest {
    private final GpuCatalog gpus = GpuCatalog.standard();
    private final ModelCatalog models = ModelCatalog.standard();

    @Test
    void fourL20sHoldAboutTwelveThousandBlocksOfLlama2_13b() {
        KvCapacity kv = KvCapacity.pipeline(models.get("llama-2-13b"), gpus.get("l20"), 4, KvCacheConfig.DEFAULT);
        System.out.println("L20 x4 llama-2-13b pipeline: " + kv);
        // (4 × 48 GiB × 0.9 − 26 GB weights) / (800 KiB × 16) ≈ 12,000 blocks before activation reserves
        assertTrue(kv.numBlocks() > 11_000 && kv.numBlocks() < 12_100, "blocks " + kv.numBlocks());
        assertEquals(16L * 10 * 40 * 128 * 2 * 2, kv.bytesPerBlockPerGpu(), "a block holds 10 layers of 16 tokens");
        assertEquals(16, kv.blockSize());
        assertEquals(16L * kv.numBlocks(), kv.tokenCapacity());
    }

    @Test
    void theStageWithTheMostWeightsBindsTheCount() {
        ModelShape m = models.get("llama-2-13b");
        KvCapacity kv = KvCapacity.pipeline(m, gpus.get("l20"), 4, KvCacheConfig.DEFAULT);
        assertTrue(kv.bindingGpu() == 0 || kv.bindingGpu() == 3, "first or last stage carries embedding / LM head");
        long layerWeights = 10 * m.paramsPerLayer() * 2;
        assertTrue(kv.weightBytesPerGpu() > layerWeights);
    }

    @Test
    void tensorParallelSplitsWeightsAndHeads() {
        ModelShape m = models.get("llama-2-13b");
        KvCapacity tp = KvCapacity.tensorParallel(m, gpus.get("l20"), 4, KvCacheConfig.DEFAULT);
        KvCapacity pp = KvCapacity.pipeline(m, gpus.get("l20"), 4, KvCacheConfig.DEFAULT);
        assertEquals(m.weightBytes() / 4, tp.weightBytesPerGpu());
        assertEquals(pp.bytesPerBlockPerGpu(), tp.bytesPerBlockPerGpu(), "40 layers × 10 heads = 10 layers × 40 heads");
        assertEquals(pp.numBlocks(), tp.numBlocks(), 0.03 * pp.numBlocks());
    }

    @Test
    void moreMemoryGivesMoreBlocks() {
        ModelShape m = models.get("llama-2-13b");
        GpuSpec l20 = gpus.get("l20");
        int at90 = KvCapacity.pipeline(m, l20, 4, KvCacheConfig.DEFAULT).numBlocks();
        int at95 = KvCapacity.pipeline(m, l20, 4, KvCacheConfig.DEFAULT.withGpuMemoryUtilization(0.95)).numBlocks();
        assertTrue(at95 > at90);
        int bigBlocks = KvCapacity.pipeline(m, l20, 4, KvCacheConfig.DEFAULT.withBlockSize(32)).numBlocks();
        assertEquals(at90 / 2.0, bigBlocks, 1);
    }

    @Test
    void aModelThatDoesNotFitIsRejectedWithTheNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KvCapacity.pipeline(models.get("llama-2-70b"), gpus.get("rtx4090"), 4, KvCacheConfig.DEFAULT));
        String msg = e.getMessage();
        assertTrue(msg.contains("llama-2-70b does not fit") && msg.contains("4 × rtx4090") && msg.contains("24 GiB")
                && msg.contains("90% usable") && msg.contains("GiB of weights"), msg);
        assertThrows(IllegalArgumentException.class,
                () -> KvCapacity.tensorParallel(models.get("llama-2-70b"), gpus.get("l20"), 2, KvCacheConfig.DEFAULT));
    }

    @Test
    void seventyBFitsOnFourL20s() {
        KvCapacity kv = KvCapacity.pipeline(models.get("llama-2-70b"), gpus.get("l20"), 4, KvCacheConfig.DEFAULT);
        assertTrue(kv.numBlocks() > 0);
    }
}

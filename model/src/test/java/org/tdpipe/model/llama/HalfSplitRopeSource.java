package org.tdpipe.model.llama;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.format.TensorEntry;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * An F32 GGUF-layout model re-expressed in the Hugging Face RoPE layout: Q/K rows of each head
 * reordered (HF row (j, i) = GGUF row 2i + j) and {@code ropeHalfSplit} set — the same model.
 */
final class HalfSplitRopeSource implements ModelSource {
    private final ModelSource inner;
    private final ModelConfig config;
    private final Arena arena = Arena.ofShared();

    HalfSplitRopeSource(ModelSource inner) {
        this.inner = inner;
        ModelConfig c = inner.config();
        this.config = new ModelConfig(c.architecture(), c.dim(), c.hiddenDim(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim(), c.vocabSize(), c.contextLength(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.qkvBias(),
                c.tiedEmbeddings(), true);
    }

    @Override
    public String location() {
        return inner.location() + " (half-split RoPE layout)";
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Tokenizer tokenizer() {
        return inner.tokenizer();
    }

    @Override
    public Optional<TensorEntry> tensor(String name) {
        Optional<TensorEntry> t = inner.tensor(name);
        if (t.isEmpty() || !(name.endsWith("attn_q.weight") || name.endsWith("attn_k.weight"))) {
            return t;
        }
        TensorEntry e = t.get();
        if (e.type() != GgmlType.F32) {
            throw new IllegalArgumentException("test helper handles F32 only");
        }
        long rowBytes = e.shape()[0] * Float.BYTES;
        int rows = (int) e.shape()[1];
        int hd = config.headDim();
        MemorySegment out = arena.allocate(rowBytes * rows);
        for (int r = 0; r < rows; r++) {
            int within = r % hd;
            int source = r - within + 2 * (within % (hd / 2)) + within / (hd / 2);
            MemorySegment.copy(e.data(), source * rowBytes, out, r * rowBytes, rowBytes);
        }
        return Optional.of(new TensorEntry(name, e.type(), e.shape(), out));
    }

    @Override
    public void close() {
        arena.close();
        inner.close();
    }
}

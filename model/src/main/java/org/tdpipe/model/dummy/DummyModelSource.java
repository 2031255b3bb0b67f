package org.tdpipe.model.dummy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.nio.file.Path;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.HfConfigFiles;
import org.tdpipe.model.format.ModelFormatException;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.AbstractModelSource;
import org.tdpipe.model.format.TensorEntry;
import org.tdpipe.model.tensor.WeightEncoder;

/**
 * A model with a real configuration and deterministic pseudo-random weights (vLLM's
 * {@code --load-format dummy}), for throughput runs without downloading weights. Matrices are
 * uniform with standard deviation 0.02 by default (the output projections scaled down by sqrt(2·layers), as
 * GPT-2's initialisation, so the residual stream stays small), norms are 1; each value depends
 * only on the seed, the tensor name and its index. A tensor is generated when first asked for, so
 * a pipeline stage only ever builds its own slice. Matrices whose rows are not a multiple of the
 * block size of a quantized type stay F32.
 */
public final class DummyModelSource extends AbstractModelSource {
    public static final String PREFIX = "dummy:";
    /** Standard deviation of the weights of {@link #open} models. */
    public static final float DEFAULT_STD = 0.02f;
    private static final int ROWS_PER_TASK = 64;

    private final WeightMix weights;
    private final long seed;
    private final float std;
    private final Arena arena = Arena.ofShared();
    private final Map<String, TensorEntry> generated = new ConcurrentHashMap<>();

    /** Weights of {@code weightType} with standard deviation {@code std} (output projections scaled down). */
    public DummyModelSource(String location, ModelConfig config, GgmlType weightType, long seed, float std) {
        this(location, config, new WeightMix(weightType.name().toLowerCase(Locale.ROOT), weightType, false), seed, std);
    }

    /** Weights stored as {@code weights} says, with standard deviation {@code std} (output projections scaled down). */
    public DummyModelSource(String location, ModelConfig config, WeightMix weights, long seed, float std) {
        super(location, config, new ByteTokenizer(config.vocabSize()));
        this.weights = weights;
        this.seed = seed;
        this.std = std;
    }

    /**
     * Opens {@code dummy:<catalog name or path to a Hugging Face config.json>[:<type>]}, e.g.
     * {@code dummy:llama-110m} or {@code dummy:llama-2-7b:q4_k_m}; the type is a {@link WeightMix}
     * (default f32).
     */
    public static DummyModelSource open(String spec) {
        if (!spec.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a dummy model spec (expected dummy:<name>[:<type>]): " + spec);
        }
        String rest = spec.substring(PREFIX.length());
        WeightMix mix = WeightMix.parse("f32");
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            try {
                mix = WeightMix.parse(rest.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(spec + ": " + e.getMessage(), e);
            }
            rest = rest.substring(0, colon);
        }
        ModelConfig config;
        if (rest.endsWith(".json")) {
            try {
                config = HfConfigFiles.read(Path.of(rest));
            } catch (ModelFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        } else {
            config = DummyCatalog.config(rest);
        }
        return new DummyModelSource(spec, config, mix, 42, DEFAULT_STD);
    }

    @Override
    public Optional<TensorEntry> tensor(String name) {
        Optional<long[]> shape = shapeOf(name);
        return shape.map(s -> generated.computeIfAbsent(name, n -> generate(n, s)));
    }

    /** The shape (innermost first) of a canonical tensor name of this configuration, if it has it. */
    private Optional<long[]> shapeOf(String name) {
        ModelConfig c = config();
        long dim = c.dim();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        switch (name) {
            case "token_embd.weight":
                return Optional.of(new long[] {dim, c.vocabSize()});
            case "output_norm.weight":
                return Optional.of(new long[] {dim});
            case "output.weight":
                return c.tiedEmbeddings() ? Optional.empty() : Optional.of(new long[] {dim, c.vocabSize()});
            default:
                break;
        }
        if (!name.startsWith("blk.")) {
            return Optional.empty();
        }
        int dot = name.indexOf('.', 4);
        int layer;
        try {
            layer = Integer.parseInt(name.substring(4, dot));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (layer < 0 || layer >= c.numLayers()) {
            return Optional.empty();
        }
        return switch (name.substring(dot + 1)) {
            case "attn_norm.weight", "ffn_norm.weight" -> Optional.of(new long[] {dim});
            case "attn_q.weight" -> Optional.of(new long[] {dim, qDim});
            case "attn_k.weight", "attn_v.weight" -> Optional.of(new long[] {dim, kvDim});
            case "attn_output.weight" -> Optional.of(new long[] {qDim, dim});
            case "attn_q.bias" -> c.qkvBias() ? Optional.of(new long[] {qDim}) : Optional.empty();
            case "attn_k.bias", "attn_v.bias" -> c.qkvBias() ? Optional.of(new long[] {kvDim}) : Optional.empty();
            case "ffn_gate.weight", "ffn_up.weight" -> Optional.of(new long[] {dim, c.hiddenDim()});
            case "ffn_down.weight" -> Optional.of(new long[] {(long) c.hiddenDim(), dim});
            default -> Optional.empty();
        };
    }

    private TensorEntry generate(String name, long[] shape) {
        if (shape.length == 1) {
            float[] values = new float[(int) shape[0]];
            boolean norm = name.endsWith("norm.weight");
            long h = nameSeed(name);
            for (int i = 0; i < values.length; i++) {
                values[i] = norm ? 1f : std * uniform(h, i);
            }
            return new TensorEntry(name, GgmlType.F32, shape, WeightEncoder.encode(GgmlType.F32, values, arena));
        }
        int cols = (int) shape[0];
        int rows = (int) shape[1];
        GgmlType wanted = weights.typeOf(name, config());
        GgmlType type = cols % wanted.blockSize() == 0 ? wanted : GgmlType.F32;
        float scale = name.endsWith("attn_output.weight") || name.endsWith("ffn_down.weight")
                ? (float) (std / Math.sqrt(2.0 * config().numLayers())) : std;
        long rowBytes = type.bytesFor(cols);
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        long h = nameSeed(name);
        IntStream.range(0, (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK).parallel().forEach(task -> {
            int r0 = task * ROWS_PER_TASK;
            int r1 = Math.min(rows, r0 + ROWS_PER_TASK);
            float[] buf = new float[(r1 - r0) * cols];
            long first = (long) r0 * cols;
            for (int i = 0; i < buf.length; i++) {
                buf[i] = scale * uniform(h, first + i);
            }
            WeightEncoder.encode(type, buf, 0, buf.length, data, r0 * rowBytes);
        });
        return new TensorEntry(name, type, shape, data);
    }

    private long nameSeed(String name) {
        return mix(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    }

    /** Uniform in [-√3, √3): unit variance. */
    private static float uniform(long h, long i) {
        long bits = mix(h + i * 0x9E3779B97F4A7C15L);
        return (float) (((bits >>> 40) * 0x1.0p-24 * 2 - 1) * Math.sqrt(3));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        generated.clear();
        arena.close();
    }
}

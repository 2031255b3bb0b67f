package org.tdpipe.model.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.dummy.DummyCatalog;

/**
 * Runs the benchmarks (JMH command-line options apply, e.g. a name regex, {@code -wi 1 -i 2}) and
 * prints the derived rates: GFLOP/s and GB/s for kernels, tokens/s and weight GB/s for the model.
 * Build and run:
 * <pre>
 * mvn -Pjmh -pl model -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.cp
 * java --add-modules jdk.incubator.vector -cp model/target/test-classes:model/target/classes:$(cat model/target/jmh.cp) \
 *     org.tdpipe.model.bench.BenchMain [JMH options]
 * </pre>
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.println();
        System.out.println("| benchmark | parameters | ops/s | derived |");
        System.out.println("|---|---|---|---|");
        for (RunResult r : results) {
            var params = r.getParams();
            double ops = r.getPrimaryResult().getScore();
            String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.', params.getBenchmark().lastIndexOf('.') - 1) + 1);
            StringBuilder p = new StringBuilder();
            for (String key : params.getParamsKeys()) {
                p.append(key).append('=').append(params.getParam(key)).append(' ');
            }
            String derived = switch (name) {
                case "MatmulBenchmark.multiply" -> {
                    int rows = Integer.parseInt(params.getParam("rows"));
                    int cols = Integer.parseInt(params.getParam("cols"));
                    int batch = Integer.parseInt(params.getParam("batch"));
                    long bytes = GgmlType.valueOf(params.getParam("type")).bytesFor((long) rows * cols);
                    yield String.format("%.1f GFLOP/s, %.1f GB/s of weights", ops * MatmulBenchmark.flops(rows, cols, batch) / 1e9,
                            ops * bytes / 1e9);
                }
                case "PeakFmaBenchmark.fma" -> String.format("%.1f GFLOP/s peak (%d threads, %d lanes)",
                        ops * PeakFmaBenchmark.flops(threads) / 1e9, threads, org.tdpipe.model.tensor.Vectors.LANES);
                case "MemoryBandwidthBenchmark.read" -> String.format("%.1f GB/s",
                        ops * Long.parseLong(params.getParam("bytes")) / 1e9);
                case "ModelThroughputBenchmark.step" -> {
                    String phase = params.getParam("phase");
                    int batch = Integer.parseInt(params.getParam("batch"));
                    ModelConfig c = DummyCatalog.config(params.getParam("model").substring("dummy:".length()));
                    double weightBytes = 4.0 * parameters(c);
                    yield String.format("%.1f tokens/s%s", ops * ModelThroughputBenchmark.tokens(phase, batch),
                            phase.equals("decode") ? String.format(", %.1f GB/s of weights", ops * weightBytes / 1e9) : "");
                }
                case "GrammarMaskBenchmark.mask" -> String.format("%.1f µs per sampled token", 1e6 / ops);
                default -> "";
            };
            System.out.printf("| %s | %s| %.2f | %s |%n", name, p, ops, derived);
        }
    }

    /** Weights read per forward pass (F32 dummy models): all matrices, the LM head included. */
    private static double parameters(ModelConfig c) {
        double q = (double) c.numHeads() * c.headDim();
        double kv = (double) c.numKvHeads() * c.headDim();
        double layer = c.dim() * (q + 2 * kv) + q * c.dim() + 3.0 * c.dim() * c.hiddenDim();
        return c.numLayers() * layer + (double) c.vocabSize() * c.dim();
    }
}

package org.tdpipe.cli;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.predict.LengthScale;
import org.tdpipe.sim.workload.ArrivalProcess;
import org.tdpipe.sim.workload.LengthFilter;
import org.tdpipe.sim.workload.WorkloadItem;
import org.tdpipe.sim.workload.Workloads;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The workload of a policy comparison (a picocli mixin shared by {@code simulate} and {@code bench},
 * so that the same flags give the same requests): a trace, the paper's length filter, N requests
 * sampled with a seed, optionally scaled down, and their arrival times; or, as vLLM's
 * {@code bench throughput --input-len --output-len}, N requests of one fixed length.
 */
final class WorkloadOptions {
    /** The options that shape lengths sampled from a trace, meaningless with fixed lengths. */
    private static final List<String> TRACE_LENGTH_OPTIONS = List.of("--workload", "--min-input", "--max-input", "--min-output",
            "--max-total", "--scale-input", "--scale-output");

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--workload", description = "Trace CSV (ShareGPT stats or Azure format) (default: the ShareGPT trace in the shared data folder, else a synthetic ShareGPT-like workload)")
    Path workload;

    @Option(names = "--num-requests", description = "Requests sampled from the trace, or of --input-len / --output-len (default: 5000 for simulate, 32 for bench)")
    Integer numRequests;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling / noise seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--arrival", defaultValue = "offline", description = "offline (all at t=0), trace (trace timestamps) or poisson:RATE (requests/s) (default: ${DEFAULT-VALUE})")
    String arrival;

    @Option(names = "--min-input", defaultValue = "4", description = "Filter: shortest prompt (default: ${DEFAULT-VALUE})")
    int minInput;

    @Option(names = "--max-input", defaultValue = "1024", description = "Filter: longest prompt (default: ${DEFAULT-VALUE})")
    int maxInput;

    @Option(names = "--min-output", defaultValue = "4", description = "Filter: shortest output (default: ${DEFAULT-VALUE})")
    int minOutput;

    @Option(names = "--max-total", defaultValue = "2048", description = "Filter: longest prompt + output (default: ${DEFAULT-VALUE})")
    int maxTotal;

    @Option(names = "--scale-input", description = "After sampling, scale prompts so the longest has this many tokens (default: no scaling for simulate, 64 for bench)")
    Integer scaleInput;

    @Option(names = "--scale-output", description = "After sampling, scale outputs so the longest has this many tokens (default: no scaling for simulate, 64 for bench)")
    Integer scaleOutput;

    @Option(names = "--input-len", description = "Every request has exactly this many prompt tokens, instead of a trace's lengths (with --output-len)")
    Integer inputLen;

    @Option(names = "--output-len", description = "Every request generates exactly this many tokens, instead of a trace's lengths (with --input-len)")
    Integer outputLen;

    /**
     * What a command uses for the options the user left out.
     *
     * @param scaleInput null: no scaling
     * @param scaleOutput null: no scaling
     */
    record Defaults(int numRequests, Integer scaleInput, Integer scaleOutput) {
    }

    /** The sampled workload, how it was made, and how its lengths relate to the trace's. */
    record Workload(List<WorkloadItem> items, String description, Map<String, Object> json, LengthScale scale) {
    }

    Workload build(Defaults defaults) {
        int n = numRequests != null ? numRequests : defaults.numRequests();
        if (n < 1) {
            throw new IllegalArgumentException("--num-requests must be >= 1, got " + n);
        }
        if (fixedLengths()) {
            return fixed(n);
        }
        Integer in = scaleInput != null ? scaleInput : defaults.scaleInput();
        Integer out = scaleOutput != null ? scaleOutput : defaults.scaleOutput();
        LengthFilter filter = new LengthFilter(minInput, maxInput, minOutput, maxTotal);
        ArrivalProcess arrivals = arrivalProcess();
        WorkloadTrace trace = WorkloadTrace.load(workload, n, seed);
        List<WorkloadItem> items = Workloads.build(trace.trace(), filter, n, seed, arrivals);
        LengthScale scale = LengthScale.IDENTITY;
        if (in != null || out != null) {
            LengthScaling scaling = new LengthScaling(in != null ? in : Integer.MAX_VALUE, out != null ? out : Integer.MAX_VALUE);
            scale = scaling.factors(items);
            items = scaling.apply(items);
        }
        String scaling = in == null && out == null ? "" : ", scaled to prompts <= " + (in != null ? in : "any")
                + " and outputs <= " + (out != null ? out : "any") + " tokens";
        String description = String.format("%s, %d requests (seed %d, %s arrivals)%s", trace.description(), items.size(), seed,
                arrival, scaling);
        Map<String, Object> json = json(trace.description(), items.size());
        json.put("length_filter", Map.of("min_input", minInput, "max_input", maxInput, "min_output", minOutput,
                "max_total", maxTotal));
        json.put("scale_input", in);
        json.put("scale_output", out);
        json.put("length_scale", Map.of("prompt", scale.prompt(), "output", scale.output()));
        return new Workload(items, description, json, scale);
    }

    /** Whether the requests have {@code --input-len} / {@code --output-len} tokens rather than a trace's lengths. */
    private boolean fixedLengths() {
        return inputLen != null || outputLen != null;
    }

    /** The options to lower when the requests are too long for a model. */
    String lengthOptions() {
        return fixedLengths() ? "--input-len / --output-len" : "--scale-input / --scale-output or --max-total";
    }

    /** {@code n} requests of {@code --input-len} prompt and {@code --output-len} output tokens. */
    private Workload fixed(int n) {
        if (inputLen == null || outputLen == null) {
            throw new IllegalArgumentException("--input-len and --output-len go together, but only "
                    + (inputLen != null ? "--input-len" : "--output-len") + " is given");
        }
        if (inputLen < 1 || outputLen < 1) {
            throw new IllegalArgumentException("--input-len and --output-len must be >= 1, got " + inputLen + " and " + outputLen);
        }
        for (String option : TRACE_LENGTH_OPTIONS) {
            if (command.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " shapes the lengths of a trace; it cannot go with --input-len / --output-len");
            }
        }
        ArrivalProcess arrivals = arrivalProcess();
        if (arrivals instanceof ArrivalProcess.TraceTimestamps) {
            throw new IllegalArgumentException("--arrival trace takes a trace's timestamps; it cannot go with --input-len / --output-len");
        }
        List<WorkloadItem> items = arrivals.assign(Collections.nCopies(n, new WorkloadItem(inputLen, outputLen, 0)));
        String description = String.format("%d requests of %d prompt and %d output tokens (seed %d, %s arrivals)", n, inputLen,
                outputLen, seed, arrival);
        Map<String, Object> json = json("fixed lengths", n);
        json.put("input_len", inputLen);
        json.put("output_len", outputLen);
        return new Workload(items, description, json, LengthScale.IDENTITY);
    }

    /** The JSON entries every workload has. */
    private Map<String, Object> json(String workload, int n) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("workload", workload);
        json.put("num_requests", n);
        json.put("seed", seed);
        json.put("arrival", arrival);
        return json;
    }

    private ArrivalProcess arrivalProcess() {
        String a = arrival.strip();
        if (a.equals("offline")) {
            return new ArrivalProcess.Offline();
        }
        if (a.equals("trace")) {
            return new ArrivalProcess.TraceTimestamps();
        }
        if (a.startsWith("poisson:")) {
            try {
                return new ArrivalProcess.Poisson(Double.parseDouble(a.substring("poisson:".length())), seed);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--arrival " + a + ": the rate is not a number");
            }
        }
        throw new IllegalArgumentException("--arrival must be offline, trace or poisson:RATE, got '" + arrival + "'");
    }
}

package org.tdpipe.cli;

import org.tdpipe.core.Tdpipe;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tdpipe} command line: one subcommand per job. */
@Command(name = "tdpipe",
        mixinStandardHelpOptions = true,
        version = "tdpipe " + Tdpipe.VERSION,
        description = "Temporally-disaggregated pipeline-parallel LLM inference (TD-Pipe) on the JVM.",
        subcommands = {
            CommandLine.HelpCommand.class,
            SimulateCommand.class,
            BenchCommand.class,
            ProfileCommand.class,
            BenchModelCommand.class,
            GenerateCommand.class,
            BenchServeCommand.class,
            TokenizeCommand.class,
            LogitsCommand.class,
            WorkerCommand.class,
            PredictorCommand.class,
            ServeCommand.class,
        })
public final class TdpipeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code; bad input gives a one-line error, not a stack trace. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new TdpipeCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
                    || e instanceof java.io.IOException) {
                commandLine.getErr().println("tdpipe: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}

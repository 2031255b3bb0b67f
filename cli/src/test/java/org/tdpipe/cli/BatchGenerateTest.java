package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.chat.ChatMessage;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.format.ModelSource;
import picocli.CommandLine;

/** {@code generate --input --output} as an offline batch job: resuming, malformed lines, duplicate ids, chat lines. */
class BatchGenerateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "dummy:llama-260k";

    @TempDir
    Path dir;

    /** An exit code and what went to stderr. */
    record Run(int code, String err) {
    }

    private static Run captured(Callable<Integer> command) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(command.call(), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    private List<String> args(Path in, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("generate", "--model", MODEL, "--input", in.toString(), "--output",
                out.toString(), "--threads", "1", "--temperature", "0", "--progress", "none"));
        args.addAll(List.of(extra));
        return args;
    }

    private Run generate(Path in, Path out, String... extra) throws Exception {
        return captured(() -> TdpipeCommand.execute(args(in, out, extra).toArray(String[]::new)));
    }

    private static List<String> prompts(int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"id\": \"r" + i + "\", \"prompt\": \"request " + i + " " + "y".repeat(3 * i) + "\", \"max_tokens\": "
                    + (6 + 5 * (i % 4)) + ", \"ignore_eos\": true}");
        }
        return lines;
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }

    @Test
    void anInterruptedRunResumesToTheUninterruptedOutput() throws Exception {
        List<String> lines = prompts(12);
        Path in = write("in.jsonl", lines);
        Path reference = dir.resolve("reference.jsonl");
        assertEquals(0, generate(in, reference).code());
        List<JsonNode> expected = GenerateCommandTest.inInputOrder(lines, Files.readAllLines(reference));

        Path out = dir.resolve("out.jsonl");
        RunInterruption interruption = new RunInterruption();
        AtomicInteger written = new AtomicInteger();
        GenerateCommand stopsAfterFour = new GenerateCommand(() -> interruption, completion -> {
            if (written.incrementAndGet() == 4) {
                interruption.request("stopped by the test");
            }
        });
        Run stopped = captured(() -> new CommandLine(stopsAfterFour).execute(args(in, out).subList(1, args(in, out).size())
                .toArray(String[]::new)));
        assertEquals(GenerateCommand.EXIT_INTERRUPTED, stopped.code(), stopped.err());
        int kept = Files.readAllLines(out).size();
        assertTrue(kept >= 4 && kept < lines.size(), kept + " lines after the interruption");
        assertTrue(stopped.err().contains("stopped by the test: " + kept + " of 12 requests written, " + (12 - kept)
                + " remain; rerun the same command to resume"), stopped.err());

        Run resumed = generate(in, out);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains(kept + " of 12 requests are already in " + out), resumed.err());
        assertEquals(expected, GenerateCommandTest.inInputOrder(lines, Files.readAllLines(out)));

        Run again = generate(in, out);
        assertEquals(0, again.code());
        assertTrue(again.err().contains("nothing to run"), again.err());
        assertEquals(12, Files.readAllLines(out).size());
    }

    @Test
    void aTruncatedLastLineIsDroppedAndRunAgain() throws Exception {
        List<String> lines = prompts(5);
        Path in = write("in.jsonl", lines);
        Path reference = dir.resolve("reference.jsonl");
        assertEquals(0, generate(in, reference).code());
        List<String> done = Files.readAllLines(reference);

        Path out = dir.resolve("out.jsonl");
        String partial = done.get(2).substring(0, done.get(2).length() / 2);
        Files.writeString(out, done.get(0) + "\n" + done.get(1) + "\n" + partial);
        Run resumed = generate(in, out);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("dropped a truncated last line (" + partial.length() + " bytes"), resumed.err());
        assertEquals(GenerateCommandTest.inInputOrder(lines, done), GenerateCommandTest.inInputOrder(lines, Files.readAllLines(out)));
    }

    @Test
    void aCompleteLineThatIsNotAResultIsRefused() throws Exception {
        Path in = write("in.jsonl", prompts(2));
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "{\"id\": \"r0\", \"text\": \"\"}\nnot json\n");
        Run run = generate(in, out);
        assertEquals(2, run.code());
        assertTrue(run.err().contains(out + " line 2 is not a result (not valid JSON"), run.err());
    }

    @Test
    void malformedLinesAreReportedAndSkippedOrRefusedWithStrict() throws Exception {
        List<String> lines = List.of(
                "{\"prompt\": \"fine\", \"max_tokens\": 4}",
                "{\"prompt\": \"broken\"",
                "{\"prompt\": 3}",
                "",
                "{\"prompt\": \"x\", \"temprature\": 0.5}",
                "{\"prompt\": \"also fine\", \"max_tokens\": 4}",
                "{\"prompt\": \"" + "long ".repeat(600) + "\"}");
        Path in = write("in.jsonl", lines);
        Path strictOut = dir.resolve("strict.jsonl");
        Run strict = generate(in, strictOut, "--strict");
        assertEquals(2, strict.code());
        assertTrue(strict.err().contains("3 malformed line(s) (--strict): " + in + " line 2: not valid JSON"), strict.err());
        assertFalse(Files.exists(strictOut), "--strict refuses before any work");

        Path out = dir.resolve("out.jsonl");
        Run lenient = generate(in, out);
        assertEquals(0, lenient.code(), lenient.err());
        assertTrue(lenient.err().contains("skipping " + in + " line 2: not valid JSON"), lenient.err());
        assertTrue(lenient.err().contains("skipping " + in + " line 3: field prompt must be a string, got 3"), lenient.err());
        assertTrue(lenient.err().contains("skipping " + in + " line 5: unknown field 'temprature'"), lenient.err());
        assertTrue(lenient.err().contains("skipping " + in + " line 7: the prompt has"), lenient.err());
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            ids.add(JSON.readTree(line).get("id").asText());
        }
        assertEquals(List.of("1", "6"), ids.stream().sorted().toList(), "default ids are line numbers");
    }

    @Test
    void aLineWithNHasNChoicesEachTheSampleOfItsOwnSeed() throws Exception {
        String sampled = "\"prompt\": \"once\", \"max_tokens\": 8, \"temperature\": 1.0";
        Path in = write("in.jsonl", List.of(
                "{\"id\": \"three\", " + sampled + ", \"n\": 3, \"seed\": 5}",
                "{\"id\": \"s5\", " + sampled + ", \"seed\": 5}",
                "{\"id\": \"s6\", " + sampled + ", \"seed\": 6}",
                "{\"id\": \"s7\", " + sampled + ", \"seed\": 7}",
                "{\"id\": \"none\", " + sampled + ", \"n\": 0}"));
        Path out = dir.resolve("out.jsonl");
        Run run = generate(in, out);
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("skipping " + in + " line 5: field n must be in [1, 128], got 0"), run.err());
        java.util.Map<String, JsonNode> byId = new java.util.HashMap<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode r = JSON.readTree(line);
            byId.put(r.get("id").asText(), r);
        }
        JsonNode three = byId.get("three");
        assertEquals(3, three.get("choices").size(), three.toString());
        int completionTokens = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode choice = three.get("choices").get(i);
            JsonNode alone = byId.get("s" + (5 + i));
            assertEquals(i, choice.get("index").asInt());
            assertEquals(alone.get("token_ids"), choice.get("token_ids"), "choice " + i + " samples with seed " + (5 + i));
            assertEquals(alone.get("text"), choice.get("text"));
            completionTokens += choice.get("token_ids").size();
        }
        assertEquals(completionTokens, three.get("usage").get("completion_tokens").asInt());
        assertEquals(byId.get("s5").get("usage").get("prompt_tokens"), three.get("usage").get("prompt_tokens"), "the prompt counts once");
        assertFalse(byId.get("s5").has("choices"), "n = 1 keeps the flat line");
    }

    @Test
    void duplicateIdsNameBothLines() throws Exception {
        Path in = write("in.jsonl", List.of("{\"id\": \"a\", \"prompt\": \"x\"}", "{\"id\": \"b\", \"prompt\": \"y\"}",
                "{\"id\": \"a\", \"prompt\": \"z\"}"));
        Run run = generate(in, dir.resolve("out.jsonl"));
        assertEquals(2, run.code());
        assertTrue(run.err().contains(in + ": lines 1 and 3 have the same id 'a'"), run.err());
    }

    @Test
    void chatLinesAreRenderedWithTheTemplate() throws Exception {
        Path in = write("in.jsonl", List.of(
                "{\"id\": \"chat\", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}], \"max_tokens\": 5}",
                "{\"id\": \"text\", \"prompt\": \"user: hello\\nassistant:\", \"max_tokens\": 5}",
                "{\"id\": \"bad\", \"messages\": [{\"role\": \"system\", \"content\": \"no\"}], \"max_tokens\": 5}"));
        Path out = dir.resolve("out.jsonl");
        Run none = generate(in, out);
        assertEquals(2, none.code());
        assertTrue(none.err().contains(in + " line 1: chat messages need a chat template, and " + MODEL
                + " has none; give one with --chat-template FILE"), none.err());

        Path template = dir.resolve("template.jinja");
        Files.writeString(template, """
                {{ bos_token }}{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('no system role here') }}{% endif %}\
                {{ m.role }}: {{ m.content }}
                {% endfor %}{% if add_generation_prompt %}assistant:{% endif %}""");
        Run run = generate(in, out, "--chat-template", template.toString(), "--echo");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("skipping " + in + " line 3: chat template: no system role here"), run.err());
        List<JsonNode> results = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            results.add(JSON.readTree(line));
        }
        JsonNode chat = results.stream().filter(r -> r.get("id").asText().equals("chat")).findFirst().orElseThrow();
        JsonNode text = results.stream().filter(r -> r.get("id").asText().equals("text")).findFirst().orElseThrow();
        assertEquals("hello", chat.get("messages").get(0).get("content").asText());
        assertEquals("length", text.get("finish_reason").asText());
        try (ModelSource model = ModelSources.open(MODEL)) {
            String rendered = ChatTemplate.forModel(model, Optional.of(Files.readString(template)))
                    .orElseThrow().render(List.of(new ChatMessage("user", "hello")), true);
            assertTrue(rendered.endsWith("user: hello\nassistant:"), rendered);
            // the template writes the BOS itself: the rendered text is encoded without another
            assertEquals(model.tokenizer().encode(rendered, false).length, chat.get("usage").get("prompt_tokens").asInt());
        }
    }
}

package org.tdpipe.model.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.OutputGrammar;
import org.tdpipe.model.dummy.ByteTokenizer;
import org.tdpipe.model.format.GgufFile;
import org.tdpipe.model.format.SharedData;
import org.tdpipe.model.tokenizer.StreamingDetokenizer;
import org.tdpipe.model.tokenizer.Tokenizer;

class JsonGrammarTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PERSON = """
            {"type": "object", "title": "Person", "properties": {
              "name": {"type": "string", "minLength": 1, "maxLength": 8},
              "age": {"type": "integer"},
              "mood": {"enum": ["happy", "sad", 3, null]},
              "tags": {"type": "array", "items": {"type": "string", "maxLength": 4}, "maxItems": 3},
              "pet": {"$ref": "#/$defs/Pet"},
              "score": {"type": ["number", "null"]}},
             "required": ["name", "mood"],
             "$defs": {"Pet": {"type": "object", "properties": {"kind": {"type": "string", "maxLength": 5},
               "good": {"type": "boolean"}}, "required": ["good"], "additionalProperties": false}}}""";

    private static JsonType schema(String text) throws Exception {
        return JsonSchemaCompiler.compile(JSON.readTree(text));
    }

    private static boolean accepts(JsonType type, String text) {
        JsonMatcher.State s = JsonMatcher.start(type).feed(text.getBytes(StandardCharsets.UTF_8));
        return s != null && s.complete();
    }

    @Test
    void theMatcherFollowsTheSchemaByteByByte() throws Exception {
        JsonType person = schema(PERSON);
        assertTrue(accepts(person, "{\"name\":\"bob\",\"mood\":\"happy\"}"));
        assertTrue(accepts(person, "{\"name\":\"Zoë\",\"age\":-42,\"mood\":3,\"tags\":[\"a\",\"\\u00e9\"],"
                + "\"pet\":{\"kind\":\"cat\",\"good\":true},\"score\":1.5e-3}"));
        assertTrue(accepts(person, "{\"name\":\"x\",\"mood\":null,\"score\":null}"));
        assertFalse(accepts(person, "{\"mood\":\"happy\"}"), "name is required");
        assertFalse(accepts(person, "{\"name\":\"bob\"}"), "mood is required");
        assertFalse(accepts(person, "{\"name\":\"too long a name\",\"mood\":\"sad\"}"), "maxLength");
        assertFalse(accepts(person, "{\"name\":\"\",\"mood\":\"sad\"}"), "minLength");
        assertFalse(accepts(person, "{\"name\":\"bob\",\"mood\":\"angry\"}"), "enum");
        assertFalse(accepts(person, "{\"name\":\"bob\",\"mood\":\"sad\",\"age\":1}"), "properties come in the schema's order");
        assertFalse(accepts(person, "{\"name\":\"bob\",\"age\":1.5,\"mood\":\"sad\"}"), "integer");
        assertFalse(accepts(person, "{\"name\":\"bob\",\"mood\":\"sad\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}"), "maxItems");
        assertFalse(accepts(person, "{\"name\":\"bob\",\"mood\":\"sad\",\"pet\":{\"kind\":\"dog\"}}"), "the $ref's required");
        assertFalse(accepts(person, "{ \"name\":\"bob\",\"mood\":\"sad\"}"), "compact: no whitespace");
        assertFalse(accepts(person, "{\"name\":\"a\nb\",\"mood\":\"sad\"}"), "no raw control characters in strings");
        assertNull(JsonMatcher.start(person).feed("{\"name\":\"bob\",\"mood\":\"sad\"}x".getBytes(StandardCharsets.UTF_8)),
                "nothing after the document");
        JsonType anyObject = new JsonType.AnyObject();
        assertTrue(accepts(anyObject, "{\"a\":[1,{\"b\":null}],\"c\":\"d\",\"e\":-0.5E+7}"));
        assertFalse(accepts(anyObject, "[1]"));
        assertFalse(accepts(anyObject, "{\"a\":01}"), "no leading zeros");
        assertFalse(accepts(anyObject, "{\"a\":1,}"), "no trailing comma");
        JsonType number = schema("{\"type\": \"number\"}");
        assertTrue(accepts(number, "12"));
        assertFalse(accepts(number, "12."));
    }

    @Test
    void unsupportedSchemasAreNamed() {
        for (String[] c : new String[][] {
            {"{\"type\": \"string\", \"pattern\": \"a+\"}", "unsupported JSON Schema keyword 'pattern' at #"},
            {"{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"minimum\": 3}}}",
                "unsupported JSON Schema keyword 'minimum' at #/properties/n"},
            {"{\"anyOf\": [{\"type\": \"string\"}]}", "'anyOf'"},
            {"{\"type\": \"date\"}", "unknown type 'date'"},
            {"{\"$ref\": \"#/$defs/A\", \"$defs\": {\"A\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/A\"}}}}",
                "recursive schemas are not supported"},
            {"{\"type\": \"object\", \"properties\": {}, \"required\": [\"x\"]}", "names 'x'"}}) {
            UnsupportedSchemaException e = assertThrows(UnsupportedSchemaException.class, () -> schema(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    /** Samples random allowed tokens until EOS (at most {@code limit}); returns the text. */
    private static String randomOutput(OutputGrammar grammar, Tokenizer tokenizer, SplittableRandom random, int limit) {
        OutputGrammar.Cursor cursor = grammar.start();
        StreamingDetokenizer text = StreamingDetokenizer.continuing(tokenizer, org.tdpipe.model.tokenizer.DecodeOptions.DEFAULT,
                new int[] {tokenizer.bosId(), tokenizer.encode("x", false)[0]});
        StringBuilder out = new StringBuilder();
        for (int step = 0; step < limit; step++) {
            BitSet allowed = cursor.allowed();
            assertFalse(allowed.isEmpty(), "something is always allowed, after: " + out);
            // prefer EOS and closing tokens now and then, as a model would, so documents end
            int token = allowed.get(tokenizer.eosId()) && random.nextInt(3) == 0 ? tokenizer.eosId() : pick(allowed, random);
            if (token == tokenizer.eosId()) {
                return out.append(text.flush()).toString();
            }
            cursor.accept(token);
            out.append(text.accept(token));
        }
        return null;
    }

    private static int pick(BitSet allowed, SplittableRandom random) {
        int n = random.nextInt(allowed.cardinality());
        int t = allowed.nextSetBit(0);
        for (int i = 0; i < n; i++) {
            t = allowed.nextSetBit(t + 1);
        }
        return t;
    }

    @Test
    void everyWalkOfAllowedTokensSpellsAValidDocument() throws Exception {
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(SharedData.require("tokenizers/ggml-vocab-phi-3.gguf"))) {
            tokenizer = file.tokenizer();
        }
        GrammarCompiler compiler = new GrammarCompiler(tokenizer);
        String bounded = "{\"type\": \"object\", \"properties\": {\"ok\": {\"type\": \"boolean\"}, \"n\": {\"type\": \"integer\"},"
                + " \"word\": {\"type\": \"string\", \"maxLength\": 6}, \"list\": {\"type\": \"array\", \"items\": {\"enum\": [1, \"two\"]},"
                + " \"maxItems\": 4}}, \"required\": [\"ok\", \"word\"]}";
        SplittableRandom random = new SplittableRandom(11);
        for (String schemaText : List.of(PERSON, bounded)) {
            JsonGrammar grammar = compiler.jsonSchema(JSON.readTree(schemaText));
            assertSame(grammar, compiler.jsonSchema(JSON.readTree(schemaText)), "compiled once, then cached");
            int finished = 0;
            for (int i = 0; i < 200; i++) {
                String text = randomOutput(grammar, tokenizer, random, 400);
                if (text == null) {
                    continue; // a random walk may keep a number going; a model stops
                }
                finished++;
                JsonNode doc = JSON.readTree(text);
                assertNull(SchemaCheck.problem(grammar.root(), doc), text);
            }
            assertTrue(finished > 150, "most random walks end: " + finished);
        }
        String choice = randomOutput(compiler.choice(List.of("yes", "no", "maybe so")), tokenizer, random, 50);
        assertTrue(List.of("yes", "no", "maybe so").contains(choice), choice);
    }

    @Test
    void aByteVocabularyWorksToo() throws Exception {
        ByteTokenizer tokenizer = new ByteTokenizer(300);
        JsonGrammar grammar = new GrammarCompiler(tokenizer).jsonObject();
        SplittableRandom random = new SplittableRandom(3);
        int finished = 0;
        for (int i = 0; i < 100; i++) {
            String text = randomOutput(grammar, tokenizer, random, 2_000);
            if (text != null) {
                finished++;
                assertTrue(JSON.readTree(text).isObject(), text);
            }
        }
        assertTrue(finished > 50, "finished " + finished);
        assertNotNull(grammar.start().allowed());
    }
}

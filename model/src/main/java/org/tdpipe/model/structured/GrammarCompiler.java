package org.tdpipe.model.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Compiles structured-output requests into grammars over one vocabulary: the token trie is built
 * once (on first use), each schema once — the last {@link #CACHED} are kept, keyed by their JSON
 * text. Thread-safe.
 */
public final class GrammarCompiler {
    static final int CACHED = 64;

    private final Tokenizer tokenizer;
    private volatile VocabularyTrie trie;
    private final Map<String, JsonGrammar> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonGrammar> eldest) {
            return size() > CACHED;
        }
    };

    public GrammarCompiler(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** {@code response_format: {"type": "json_object"}}: any JSON object. */
    public JsonGrammar jsonObject() {
        return cached("json_object", () -> new JsonType.AnyObject());
    }

    /** A JSON Schema (the subset {@link JsonSchemaCompiler} reads); throws {@link UnsupportedSchemaException}. */
    public JsonGrammar jsonSchema(JsonNode schema) {
        return cached("schema:" + schema, () -> JsonSchemaCompiler.compile(schema));
    }

    /** vLLM's {@code guided_choice}: exactly one of these texts. */
    public JsonGrammar choice(List<String> choices) {
        return cached("choice:" + String.join("\u0000", choices), () -> new JsonType.OneOf(choices));
    }

    private JsonGrammar cached(String key, Supplier<JsonType> compile) {
        synchronized (cache) {
            JsonGrammar hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        JsonGrammar grammar = new JsonGrammar(compile.get(), trie(), tokenizer.eosId());
        synchronized (cache) {
            cache.put(key, grammar);
        }
        return grammar;
    }

    private VocabularyTrie trie() {
        VocabularyTrie t = trie;
        if (t == null) {
            synchronized (this) {
                t = trie;
                if (t == null) {
                    t = new VocabularyTrie(tokenizer);
                    trie = t;
                }
            }
        }
        return t;
    }
}

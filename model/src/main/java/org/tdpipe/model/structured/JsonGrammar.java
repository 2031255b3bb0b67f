package org.tdpipe.model.structured;

import java.util.BitSet;
import org.tdpipe.core.request.OutputGrammar;

/**
 * Structured output over one vocabulary: outputs must spell a JSON value of {@code root} (or one of
 * a set of texts), then EOS. A cursor's mask is the tokens its {@link JsonMatcher.State} accepts, plus
 * EOS once the document is complete. A token the state refuses (only possible when nothing was
 * allowed) ends the document: from then on only EOS is allowed, so the request stops rather than
 * the engine failing.
 */
public final class JsonGrammar implements OutputGrammar {
    private final JsonType root;
    private final VocabularyTrie trie;
    private final int eos;

    public JsonGrammar(JsonType root, VocabularyTrie trie, int eos) {
        this.root = root;
        this.trie = trie;
        this.eos = eos;
    }

    public JsonType root() {
        return root;
    }

    @Override
    public Cursor start() {
        return new JsonCursor(JsonMatcher.start(root));
    }

    private final class JsonCursor implements Cursor {
        /** Null once a refused token ended the document. */
        private JsonMatcher.State state;

        JsonCursor(JsonMatcher.State state) {
            this.state = state;
        }

        @Override
        public BitSet allowed() {
            BitSet out = state != null ? trie.allowed(state) : new BitSet();
            if (eos >= 0 && (state == null || state.complete())) {
                out.set(eos);
            }
            return out;
        }

        @Override
        public void accept(int token) {
            if (token != eos && state != null) {
                state = state.feed(trie.bytes(token));
            }
        }
    }
}

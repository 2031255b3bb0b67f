package org.tdpipe.model.structured;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * The vocabulary's tokens as a trie of their bytes, built once per tokenizer, for computing which
 * tokens a {@link JsonMatcher.State} accepts: a walk that feeds each byte once per trie node (tokens
 * sharing a prefix share the work) and prunes every branch the state refuses. Inside a string, a
 * subtree whose tokens are all well-formed UTF-8 without a quote, backslash or control character,
 * and fit the string's length, is taken whole without walking it (when the token starts between
 * characters). Control tokens (no bytes) are not in it.
 */
public final class VocabularyTrie {
    private final Node root;
    private final byte[][] bytes;
    /** Token ids in the trie's depth-first order: each node's subtree is one run of it. */
    private final int[] ordered;

    private static final class Node {
        final int[] childBytes;
        final Node[] children;
        final int[] tokens;
        /** The run of {@link #ordered} holding this subtree's tokens. */
        final int from;
        final int to;
        /** Whether every token of this subtree is well-formed UTF-8 without a quote, a backslash or a control character. */
        final boolean plainBelow;
        /** Most characters (non-continuation bytes) on a path below this node. */
        final int maxCharsBelow;

        Node(int[] childBytes, Node[] children, int[] tokens, int from, int to, boolean plainBelow, int maxCharsBelow) {
            this.childBytes = childBytes;
            this.children = children;
            this.tokens = tokens;
            this.from = from;
            this.to = to;
            this.plainBelow = plainBelow;
            this.maxCharsBelow = maxCharsBelow;
        }
    }

    /** A mutable node while building. */
    private static final class Builder {
        final TreeMap<Integer, Builder> children = new TreeMap<>();
        final List<Integer> tokens = new ArrayList<>();
        boolean allPlain = true;
    }

    public VocabularyTrie(Tokenizer tokenizer) {
        int vocab = tokenizer.vocabSize();
        this.bytes = new byte[vocab][];
        Builder top = new Builder();
        for (int t = 0; t < vocab; t++) {
            bytes[t] = tokenizer.tokenBytes(t);
            if (bytes[t].length == 0) {
                continue;
            }
            boolean plain = plainText(bytes[t]);
            Builder node = top;
            for (byte b : bytes[t]) {
                node = node.children.computeIfAbsent(b & 0xFF, k -> new Builder());
                node.allPlain &= plain;
            }
            node.tokens.add(t);
        }
        List<Integer> order = new ArrayList<>();
        this.root = freeze(top, order);
        this.ordered = order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Node freeze(Builder b, List<Integer> order) {
        int from = order.size();
        order.addAll(b.tokens);
        int[] childBytes = new int[b.children.size()];
        Node[] children = new Node[childBytes.length];
        int maxChars = 0;
        int i = 0;
        for (var e : b.children.entrySet()) {
            int c = e.getKey();
            Node child = freeze(e.getValue(), order);
            childBytes[i] = c;
            children[i++] = child;
            maxChars = Math.max(maxChars, child.maxCharsBelow + ((c & 0xC0) == 0x80 ? 0 : 1));
        }
        return new Node(childBytes, children, b.tokens.stream().mapToInt(Integer::intValue).toArray(), from, order.size(), b.allPlain,
                maxChars);
    }

    /** Whether {@code text} is well-formed UTF-8 with no quote, backslash or control character. */
    private static boolean plainText(byte[] text) {
        for (byte b : text) {
            int c = b & 0xFF;
            if (c == '"' || c == '\\' || c < 0x20) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(text));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The bytes of {@code token} (empty for control tokens). */
    public byte[] bytes(int token) {
        return bytes[token];
    }

    /** The tokens whose bytes {@code state} accepts, all of them. */
    public BitSet allowed(JsonMatcher.State state) {
        BitSet out = new BitSet(bytes.length);
        walk(root, state, state.freeStringBudget() >= 0, out);
        return out;
    }

    /** {@code atBoundary}: the token being walked starts between characters of a string, so plain subtrees may be taken whole. */
    private void walk(Node node, JsonMatcher.State state, boolean atBoundary, BitSet out) {
        for (int i = 0; i < node.children.length; i++) {
            JsonMatcher.State next = state.feed(node.childBytes[i]);
            if (next == null) {
                continue;
            }
            Node child = node.children[i];
            int budget = next.freeStringBudget();
            if (atBoundary && child.plainBelow && budget >= child.maxCharsBelow) {
                for (int k = child.from; k < child.to; k++) {
                    out.set(ordered[k]);
                }
                continue;
            }
            for (int t : child.tokens) {
                out.set(t);
            }
            walk(child, next, atBoundary, out);
        }
    }
}

package org.tdpipe.model.tokenizer;

import java.util.PriorityQueue;

/**
 * The BPE merge loop shared by both tokenizer families: start from one symbol per code point, then
 * repeatedly merge the adjacent pair of best (lowest) rank, leftmost first among equal ranks. Symbols
 * form a linked list and candidate pairs sit in a priority queue whose stale entries are skipped, so a
 * text of n code points costs O(n log n) rather than rescanning all pairs after every merge.
 */
final class BpeMerger {
    /** Rank of merging {@code text[start, mid)} with {@code text[mid, end)}; lower merges first, NaN = no merge. */
    @FunctionalInterface
    interface PairRank {
        double rank(String text, int start, int mid, int end);
    }

    private record Candidate(double rank, int left, int right, int start, int end) {
    }

    private BpeMerger() {
    }

    /** The symbol boundaries after merging: {@code [b0=0, b1, ..., bk=text.length()]}. */
    static int[] merge(String text, PairRank ranks) {
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n + 1];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            start[i] = pos;
            pos += Character.charCount(text.codePointAt(pos));
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        start[n] = text.length();
        int[] end = new int[n];
        for (int i = 0; i < n; i++) {
            end[i] = start[i + 1];
        }
        boolean[] dead = new boolean[n];
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Double.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, text, ranks, i, i + 1, start, end);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            if (dead[c.left] || dead[c.right] || next[c.left] != c.right
                    || start[c.left] != c.start || end[c.right] != c.end) {
                continue; // one side changed since this pair was queued
            }
            end[c.left] = end[c.right];
            dead[c.right] = true;
            next[c.left] = next[c.right];
            if (next[c.left] >= 0) {
                prev[next[c.left]] = c.left;
            }
            if (prev[c.left] >= 0) {
                offer(queue, text, ranks, prev[c.left], c.left, start, end);
            }
            if (next[c.left] >= 0) {
                offer(queue, text, ranks, c.left, next[c.left], start, end);
            }
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (!dead[i]) {
                count++;
            }
        }
        int[] bounds = new int[count + 1];
        for (int i = 0, k = 0; i < n; i++) {
            if (!dead[i]) {
                bounds[k++] = start[i];
            }
        }
        bounds[count] = text.length();
        return bounds;
    }

    private static void offer(PriorityQueue<Candidate> queue, String text, PairRank ranks, int left, int right,
            int[] start, int[] end) {
        double rank = ranks.rank(text, start[left], start[right], end[right]);
        if (!Double.isNaN(rank)) {
            queue.add(new Candidate(rank, left, right, start[left], end[right]));
        }
    }
}

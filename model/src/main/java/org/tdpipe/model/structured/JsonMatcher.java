package org.tdpipe.model.structured;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A pushdown automaton over the bytes of compact JSON that follows a {@link JsonType}: each
 * {@link State} is immutable (a persistent stack of frames, each saying what it expects next), so
 * a walk over the vocabulary can try every continuation of one state without copying it. Strings
 * are checked byte by byte (escapes included; bytes of multi-byte characters pass as they come),
 * numbers have at most {@link NumberFrame#MAX_DIGITS} digits per part.
 */
public final class JsonMatcher {
    private JsonMatcher() {
    }

    /** The state before the first byte of a value of {@code type}. */
    public static State start(JsonType type) {
        return new State(new Node(new ValueFrame(type, 0), null));
    }

    /** Where a document is: what the frames on the stack expect next. */
    public static final class State {
        private final Node stack;

        private State(Node stack) {
            this.stack = stack;
        }

        /** The state after {@code b} (0–255), or null when {@code b} cannot come next. */
        public State feed(int b) {
            Node s = stack;
            while (s != null) {
                Step r = s.top.advance(b);
                if (r == Step.REJECT) {
                    return null;
                }
                if (r == Step.PASS) {
                    if (!s.top.canEnd()) {
                        return null;
                    }
                    s = s.rest;
                    continue;
                }
                Node rest = s.rest;
                for (int i = r.frames.length - 1; i >= 0; i--) {
                    rest = new Node(r.frames[i], rest);
                }
                if (!r.retry) {
                    return new State(rest);
                }
                s = rest;
            }
            return null; // the document is complete: nothing may follow
        }

        /** The state after all of {@code bytes}, or null when they cannot come next. */
        public State feed(byte[] bytes) {
            State s = this;
            for (int i = 0; i < bytes.length && s != null; i++) {
                s = s.feed(bytes[i] & 0xFF);
            }
            return s;
        }

        /** Whether the document may end here. */
        public boolean complete() {
            for (Node s = stack; s != null; s = s.rest) {
                if (!s.top.canEnd()) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Inside a string between characters (no escape, no character half done): how many more characters
         * it may take, as any well-formed UTF-8 without a quote, a backslash or a control character; -1 elsewhere.
         */
        public int freeStringBudget() {
            return stack != null && stack.top instanceof StringFrame f && f.mode == StringFrame.NORMAL && f.pending == 0
                    ? f.max - f.count : -1;
        }
    }

    private record Node(Frame top, Node rest) {
    }

    /** What a frame does with a byte: refuse it, leave it to the frame below (being complete), or consume it. */
    private static final class Step {
        static final Step REJECT = new Step(false);
        static final Step PASS = new Step(false);
        static final Step POP = new Step(false);

        final Frame[] frames;
        final boolean retry;

        private Step(boolean retry, Frame... frames) {
            this.retry = retry;
            this.frames = frames;
        }

        /** The byte is consumed; these frames (top first) replace the frame. */
        static Step consume(Frame... frames) {
            return frames.length == 0 ? POP : new Step(false, frames);
        }

        /** These frames replace the frame, and the byte goes to the new top. */
        static Step retry(Frame... frames) {
            return new Step(true, frames);
        }
    }

    private sealed interface Frame permits ValueFrame, LiteralFrame, StringFrame, NumberFrame, ObjectFrame, KeyFrame,
            FreeObjectFrame, ArrayFrame {
        Step advance(int b);

        /** Whether the frame is complete as it stands (a number, or a literal that may be followed by more). */
        default boolean canEnd() {
            return false;
        }
    }

    private record ValueFrame(JsonType type, int depth) implements Frame {
        @Override
        public Step advance(int b) {
            return switch (type) {
                case JsonType.AnyValue any -> anyValue(b);
                case JsonType.AnyObject any -> b == '{' ? Step.consume(new FreeObjectFrame(depth + 1, FreeObjectFrame.OPEN)) : Step.REJECT;
                case JsonType.ObjectOf o -> b == '{' ? Step.consume(new ObjectFrame(o, 0, ObjectFrame.OPEN, depth + 1)) : Step.REJECT;
                case JsonType.ArrayOf a -> b == '['
                        ? Step.consume(new ArrayFrame(a.items(), a.minItems(), a.maxItems(), 0, ArrayFrame.OPEN, depth + 1)) : Step.REJECT;
                case JsonType.StringOf s -> b == '"' ? Step.consume(new StringFrame(s.minLength(), s.maxLength()))
                        : Step.REJECT;
                case JsonType.NumberOf n -> b == '-' || (b >= '0' && b <= '9')
                        ? Step.retry(new NumberFrame(n.integer(), NumberFrame.START, 0)) : Step.REJECT;
                case JsonType.BooleanOf bool -> literal(List.of("true", "false"), b);
                case JsonType.NullOf none -> literal(List.of("null"), b);
                case JsonType.OneOf one -> literal(one.literals(), b);
                case JsonType.AnyOfTypes anyOf -> {
                    for (JsonType t : anyOf.types()) {
                        Step r = new ValueFrame(t, depth).advance(b);
                        if (r != Step.REJECT) {
                            yield r;
                        }
                    }
                    yield Step.REJECT;
                }
            };
        }

        /** One of {@code texts}, when one starts with {@code b} (so that {@link JsonType.AnyOfTypes} can tell them apart). */
        private static Step literal(List<String> texts, int b) {
            LiteralFrame frame = LiteralFrame.of(texts);
            return frame.advance(b) == Step.REJECT ? Step.REJECT : Step.retry(frame);
        }

        private Step anyValue(int b) {
            boolean nested = depth < JsonType.MAX_DEPTH;
            return switch (b) {
                case '{' -> nested ? Step.consume(new FreeObjectFrame(depth + 1, FreeObjectFrame.OPEN)) : Step.REJECT;
                case '[' -> nested ? Step.consume(new ArrayFrame(new JsonType.AnyValue(), 0, Integer.MAX_VALUE, 0, ArrayFrame.OPEN,
                        depth + 1)) : Step.REJECT;
                case '"' -> Step.consume(new StringFrame(0, Integer.MAX_VALUE));
                case 't', 'f' -> Step.retry(LiteralFrame.of(List.of("true", "false")));
                case 'n' -> Step.retry(LiteralFrame.of(List.of("null")));
                default -> b == '-' || (b >= '0' && b <= '9') ? Step.retry(new NumberFrame(false, NumberFrame.START, 0)) : Step.REJECT;
            };
        }
    }

    /** One of several exact byte strings; {@code pos} bytes matched so far. */
    private record LiteralFrame(byte[][] candidates, int pos) implements Frame {
        static LiteralFrame of(List<String> texts) {
            byte[][] candidates = new byte[texts.size()][];
            for (int i = 0; i < candidates.length; i++) {
                candidates[i] = texts.get(i).getBytes(StandardCharsets.UTF_8);
            }
            return new LiteralFrame(candidates, 0);
        }

        @Override
        public Step advance(int b) {
            List<byte[]> next = new ArrayList<>(candidates.length);
            boolean longer = false;
            for (byte[] c : candidates) {
                if (c.length > pos && (c[pos] & 0xFF) == b) {
                    next.add(c);
                    longer |= c.length > pos + 1;
                }
            }
            if (next.isEmpty()) {
                return canEnd() ? Step.PASS : Step.REJECT;
            }
            return longer ? Step.consume(new LiteralFrame(next.toArray(byte[][]::new), pos + 1)) : Step.POP;
        }

        @Override
        public boolean canEnd() {
            for (byte[] c : candidates) {
                if (c.length == pos) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The inside of a string, after its opening quote: {@code count} characters so far, {@code pending}
     * continuation bytes of the current UTF-8 character still to come. Only well-formed UTF-8 passes.
     */
    private record StringFrame(int min, int max, int count, int mode, int pending, int lo, int hi) implements Frame {
        static final int NORMAL = 0;
        static final int ESCAPE = 1;
        /** {@code HEX + k}: k hex digits of a \\u escape still to come. */
        static final int HEX = 1;

        StringFrame(int min, int max) {
            this(min, max, 0, NORMAL, 0, 0, 0);
        }

        private StringFrame next(int newCount, int newMode) {
            return new StringFrame(min, max, newCount, newMode, 0, 0, 0);
        }

        @Override
        public Step advance(int b) {
            if (pending > 0) {
                // the next continuation byte lies in [lo, hi]: no overlong form, surrogate or code point past U+10FFFF
                return b >= lo && b <= hi ? Step.consume(new StringFrame(min, max, count, NORMAL, pending - 1, 0x80, 0xBF)) : Step.REJECT;
            }
            if (mode == NORMAL) {
                if (b == '"') {
                    return count >= min ? Step.POP : Step.REJECT;
                }
                if (count >= max || b < 0x20) {
                    return Step.REJECT;
                }
                if (b == '\\') {
                    return Step.consume(next(count, ESCAPE));
                }
                if (b < 0x80) {
                    return Step.consume(next(count + 1, NORMAL));
                }
                if (b >= 0xC2 && b <= 0xDF) {
                    return Step.consume(new StringFrame(min, max, count + 1, NORMAL, 1, 0x80, 0xBF));
                }
                if (b >= 0xE0 && b <= 0xEF) {
                    return Step.consume(new StringFrame(min, max, count + 1, NORMAL, 2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF));
                }
                if (b >= 0xF0 && b <= 0xF4) {
                    return Step.consume(new StringFrame(min, max, count + 1, NORMAL, 3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF));
                }
                return Step.REJECT;
            }
            if (mode == ESCAPE) {
                if (b == 'u') {
                    return Step.consume(next(count, HEX + 4));
                }
                return "\"\\/bfnrt".indexOf(b) >= 0 ? Step.consume(next(count + 1, NORMAL)) : Step.REJECT;
            }
            if (Character.digit(b, 16) < 0) {
                return Step.REJECT;
            }
            int left = mode - HEX - 1;
            return Step.consume(left == 0 ? next(count + 1, NORMAL) : next(count, HEX + left));
        }
    }

    /** A number: sign, integer part, fraction, exponent (the last three of at most {@link #MAX_DIGITS} digits). */
    private record NumberFrame(boolean integer, int stage, int digits) implements Frame {
        static final int MAX_DIGITS = 16;
        static final int MAX_EXPONENT_DIGITS = 3;
        static final int START = 0;
        static final int MINUS = 1;
        static final int ZERO = 2;
        static final int INT = 3;
        static final int DOT = 4;
        static final int FRAC = 5;
        static final int EXP_MARK = 6;
        static final int EXP_SIGN = 7;
        static final int EXP = 8;

        @Override
        public Step advance(int b) {
            boolean digit = b >= '0' && b <= '9';
            boolean fractionOk = !integer && b == '.';
            boolean exponentOk = !integer && (b == 'e' || b == 'E');
            return switch (stage) {
                case START -> b == '-' ? to(MINUS, 0) : b == '0' ? to(ZERO, 1) : digit ? to(INT, 1) : Step.REJECT;
                case MINUS -> b == '0' ? to(ZERO, 1) : digit ? to(INT, 1) : Step.REJECT;
                case ZERO -> fractionOk ? to(DOT, 0) : exponentOk ? to(EXP_MARK, 0) : Step.PASS;
                case INT -> digit && digits < MAX_DIGITS ? to(INT, digits + 1) : fractionOk ? to(DOT, 0)
                        : exponentOk ? to(EXP_MARK, 0) : Step.PASS;
                case DOT -> digit ? to(FRAC, 1) : Step.REJECT;
                case FRAC -> digit && digits < MAX_DIGITS ? to(FRAC, digits + 1) : exponentOk ? to(EXP_MARK, 0) : Step.PASS;
                case EXP_MARK -> b == '+' || b == '-' ? to(EXP_SIGN, 0) : digit ? to(EXP, 1) : Step.REJECT;
                case EXP_SIGN -> digit ? to(EXP, 1) : Step.REJECT;
                default -> digit && digits < MAX_EXPONENT_DIGITS ? to(EXP, digits + 1) : Step.PASS;
            };
        }

        private Step to(int next, int nextDigits) {
            return Step.consume(new NumberFrame(integer, next, nextDigits));
        }

        @Override
        public boolean canEnd() {
            return stage == ZERO || stage == INT || stage == FRAC || stage == EXP;
        }
    }

    /** An object of known properties: {@code next} is the first property that may still come. */
    private record ObjectFrame(JsonType.ObjectOf type, int next, int stage, int depth) implements Frame {
        static final int OPEN = 0;
        static final int AFTER_VALUE = 1;
        static final int KEY = 2;

        @Override
        public Step advance(int b) {
            if (b == '}' && stage != KEY) {
                return requiredFrom(next) ? Step.REJECT : Step.POP;
            }
            if (b == ',' && stage == AFTER_VALUE) {
                return candidates().length > 0 ? Step.consume(new ObjectFrame(type, next, KEY, depth)) : Step.REJECT;
            }
            if (b == '"' && stage != AFTER_VALUE) {
                int[] candidates = candidates();
                return candidates.length > 0 ? Step.consume(new KeyFrame(this, candidates, 1)) : Step.REJECT;
            }
            return Step.REJECT;
        }

        /** The properties that may come next: from {@code next} up to and including the first required one. */
        int[] candidates() {
            List<JsonType.Property> properties = type.properties();
            int end = next;
            while (end < properties.size() && !type.required().contains(properties.get(end).name())) {
                end++;
            }
            end = Math.min(end + 1, properties.size());
            int[] out = new int[Math.max(0, end - next)];
            for (int i = 0; i < out.length; i++) {
                out[i] = next + i;
            }
            return out;
        }

        private boolean requiredFrom(int from) {
            for (int i = from; i < type.properties().size(); i++) {
                if (type.required().contains(type.properties().get(i).name())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The key of one of an object's candidate properties, {@code "name":}, of which {@code pos} bytes matched. */
    private record KeyFrame(ObjectFrame object, int[] candidates, int pos) implements Frame {
        @Override
        public Step advance(int b) {
            List<JsonType.Property> properties = object.type().properties();
            int[] next = new int[candidates.length];
            int n = 0;
            for (int c : candidates) {
                byte[] key = properties.get(c).key();
                if (key.length > pos && (key[pos] & 0xFF) == b) {
                    next[n++] = c;
                }
            }
            if (n == 0) {
                return Step.REJECT;
            }
            if (n == 1 && properties.get(next[0]).key().length == pos + 1) {
                JsonType.Property chosen = properties.get(next[0]);
                return Step.consume(new ValueFrame(chosen.type(), object.depth()),
                        new ObjectFrame(object.type(), next[0] + 1, ObjectFrame.AFTER_VALUE, object.depth()));
            }
            return Step.consume(new KeyFrame(object, Arrays.copyOf(next, n), pos + 1));
        }
    }

    /** An object with any keys and any values. */
    private record FreeObjectFrame(int depth, int stage) implements Frame {
        static final int OPEN = 0;
        static final int AFTER_VALUE = 1;
        static final int KEY = 2;
        static final int MAX_KEY_LENGTH = 256;

        @Override
        public Step advance(int b) {
            if (b == '}' && stage != KEY) {
                return Step.POP;
            }
            if (b == ',' && stage == AFTER_VALUE) {
                return Step.consume(new FreeObjectFrame(depth, KEY));
            }
            if (b == '"' && stage != AFTER_VALUE) {
                return Step.consume(new StringFrame(0, MAX_KEY_LENGTH), LiteralFrame.of(List.of(":")),
                        new ValueFrame(new JsonType.AnyValue(), depth), new FreeObjectFrame(depth, AFTER_VALUE));
            }
            return Step.REJECT;
        }
    }

    /** An array after its opening bracket: {@code count} items begun so far. */
    private record ArrayFrame(JsonType items, int min, int max, int count, int stage, int depth) implements Frame {
        static final int OPEN = 0;
        static final int AFTER_ITEM = 1;

        @Override
        public Step advance(int b) {
            if (b == ']') {
                return count >= min ? Step.POP : Step.REJECT;
            }
            if (stage == OPEN) {
                return max > 0 ? Step.retry(new ValueFrame(items, depth), next()) : Step.REJECT;
            }
            return b == ',' && count < max ? Step.consume(new ValueFrame(items, depth), next()) : Step.REJECT;
        }

        private ArrayFrame next() {
            return new ArrayFrame(items, min, max, count + 1, AFTER_ITEM, depth);
        }
    }
}

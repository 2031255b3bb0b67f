package org.tdpipe.model.format;

/**
 * A string read from a file as an error message may show it: control and non-printable
 * characters escaped ({@code \n}, {@code \x00}, {@code \u00ad}…) and anything past
 * {@value #MAX_CHARS} characters cut, so a damaged length field cannot fill a message with raw binary.
 */
final class ShownText {
    static final int MAX_CHARS = 64;

    private ShownText() {
    }

    static String of(String text) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < text.length() && shown < MAX_CHARS; i = text.offsetByCodePoints(i, 1), shown++) {
            int c = text.codePointAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\x%02x", c));
                    } else if (!printable(c)) {
                        out.append(String.format(c > 0xFFFF ? "\\U%08x" : "\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        }
        int total = text.codePointCount(0, text.length());
        if (total > shown) {
            out.append("… (").append(total).append(" characters)");
        }
        return out.toString();
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                && type != Character.PRIVATE_USE && type != Character.SURROGATE && c != 0xFFFD;
    }
}

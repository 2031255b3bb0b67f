package org.tdpipe.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request fields the server does not know, ignored as vLLM ignores them and logged once per name.
 * The names remembered are bounded, so clients sending ever-new names cannot grow the set without
 * end; names are logged escaped and cut.
 */
final class IgnoredFields {
    private static final Logger LOG = LoggerFactory.getLogger(IgnoredFields.class);
    static final int MAX_REMEMBERED = 1024;
    private static final int MAX_SHOWN = 64;

    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** Notes that {@code name} was ignored; logs it when it is new. */
    void ignore(String name) {
        if (seen.size() < MAX_REMEMBERED && seen.add(name)) {
            LOG.warn("ignoring unknown request field '{}'", shown(name));
        }
    }

    int remembered() {
        return seen.size();
    }

    static String shown(String name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < name.length() && out.length() < MAX_SHOWN; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) || c == '\'' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < name.length() ? out + "..." : out.toString();
    }
}

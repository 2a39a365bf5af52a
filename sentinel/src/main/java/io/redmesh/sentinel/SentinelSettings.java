package io.redmesh.sentinel;

import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.ReplyWriter;
import io.redmesh.node.spi.RequestRefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SENTINEL CONFIG GET|SET (the global sentinel settings) and SENTINEL DEBUG (the time constants),
 * as sentinelConfigGetCommand(), sentinelConfigSetCommand() and sentinelSetDebugConfigParameters().
 * RedMesh adds the node's {@code tls-*} files to CONFIG SET (and to CONFIG GET by exact name), so
 * a sentinel's certificate can be replaced without a restart, which Redis Sentinel cannot do
 * (redis/redis#12028); the agent does the same through the node.
 */
final class SentinelSettings {
    private final Sentinel s;

    SentinelSettings(Sentinel s) {
        this.s = s;
    }

    void config(ModuleCall c) {
        int argc = c.argv().length;
        String sub = SentinelCommands.arg(c, 2);
        if (sub.equalsIgnoreCase("set") && argc == 5) {
            set(c, SentinelCommands.arg(c, 3), SentinelCommands.arg(c, 4));
        } else if (sub.equalsIgnoreCase("get") && argc == 4) {
            get(c.reply(), SentinelCommands.arg(c, 3));
        } else {
            c.reply().error("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
        }
    }

    private void set(ModuleCall c, String option, String value) {
        SentinelState st = s.state;
        boolean dropConnections = false;
        String o = option.toLowerCase(Locale.ROOT);
        switch (o) {
            case "resolve-hostnames", "announce-hostnames" -> {
                Boolean b = SentinelConfig.yesNo(value);
                if (b == null) {
                    badValue(c, option, value);
                    return;
                }
                if (o.equals("resolve-hostnames")) {
                    st.resolveHostnames = b;
                } else {
                    st.announceHostnames = b;
                }
            }
            case "announce-ip" -> st.announceIp = value;
            case "announce-port" -> {
                Long v = Numbers.strictLong(value);
                if (v == null || v < 0 || v > 65535) {
                    badValue(c, option, value);
                    return;
                }
                st.announcePort = v.intValue();
            }
            case "sentinel-user" -> {
                st.sentinelAuthUser = value.isEmpty() ? null : value;
                dropConnections = true;
            }
            case "sentinel-pass" -> {
                st.sentinelAuthPass = value.isEmpty() ? null : value;
                dropConnections = true;
            }
            default -> {
                if (!tlsDirective(o)) {
                    c.reply().error("ERR Invalid argument '" + option + "' to SENTINEL CONFIG SET");
                    return;
                }
                try {
                    s.node.configSet(o, value); // new handshakes only: live links keep their sessions
                } catch (RequestRefusedException e) {
                    c.reply().error(e.getMessage().startsWith("ERR") ? e.getMessage() : "ERR " + e.getMessage());
                    return;
                }
            }
        }
        s.flushConfigAndReply(c.reply());
        if (dropConnections) {
            s.links.dropSentinelConnections();
        }
    }

    /** The TLS material directives CONFIG SET accepts here (RedMesh). */
    private boolean tlsDirective(String name) {
        if (!name.startsWith("tls-") || name.equals("tls-port")) {
            return false;
        }
        try {
            s.node.config(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void badValue(ModuleCall c, String option, String value) {
        c.reply().error("ERR Invalid value '" + value + "' to SENTINEL CONFIG SET '" + option + "'");
    }

    private void get(ReplyWriter r, String pattern) {
        SentinelState st = s.state;
        List<String[]> out = new ArrayList<>();
        addIf(out, pattern, "resolve-hostnames", st.resolveHostnames ? "yes" : "no");
        addIf(out, pattern, "announce-hostnames", st.announceHostnames ? "yes" : "no");
        addIf(out, pattern, "announce-ip", st.announceIp != null ? st.announceIp : "");
        addIf(out, pattern, "announce-port", Integer.toString(st.announcePort));
        addIf(out, pattern, "sentinel-user", st.sentinelAuthUser != null ? st.sentinelAuthUser : "");
        addIf(out, pattern, "sentinel-pass", st.sentinelAuthPass != null ? st.sentinelAuthPass : "");
        String exact = pattern.toLowerCase(Locale.ROOT);
        if (tlsDirective(exact)) {
            out.add(new String[] {exact, s.node.config(exact)});
        }
        r.map(out.size());
        for (String[] kv : out) {
            r.bulk(kv[0]);
            r.bulk(kv[1]);
        }
    }

    private static void addIf(List<String[]> out, String pattern, String name, String value) {
        if (Glob.matches(pattern, name, true)) {
            out.add(new String[] {name, value});
        }
    }

    /** SENTINEL DEBUG: the time constants, or set some (each positive, in milliseconds). */
    void debug(ModuleCall c) {
        SentinelTimings t = s.state.timings;
        int argc = c.argv().length;
        if (argc == 2) {
            Map<String, Long> all = t.asMap();
            c.reply().map(all.size());
            for (Map.Entry<String, Long> e : all.entrySet()) {
                c.reply().bulk(e.getKey().toUpperCase(Locale.ROOT));
                c.reply().bulk(Long.toString(e.getValue()));
            }
            return;
        }
        for (int j = 2; j < argc; j++) {
            String option = SentinelCommands.arg(c, j);
            int moreargs = argc - 1 - j;
            if (moreargs > 0 && t.asMap().containsKey(option.toLowerCase(Locale.ROOT))) {
                String raw = SentinelCommands.arg(c, ++j);
                Long v = Numbers.strictLong(raw);
                if (v == null || v <= 0) {
                    c.reply().error("ERR Invalid argument '" + raw + "' for SENTINEL DEBUG '" + option + "'");
                    return;
                }
                t.set(option.toLowerCase(Locale.ROOT), v);
            } else {
                c.reply().error("ERR Unknown option or number of arguments for SENTINEL DEBUG '" + option + "'");
                return;
            }
        }
        c.reply().ok();
    }
}

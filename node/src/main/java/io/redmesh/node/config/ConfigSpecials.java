package io.redmesh.node.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives Redis 7.0 parses with their own code (config.c "special" configs and
 * validators): each parser takes the argument words and returns the value as CONFIG GET prints
 * it, or throws ConfigException with Redis's message.
 */
final class ConfigSpecials {
    private ConfigSpecials() {}

    private static String single(List<String> a) {
        if (a.size() != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        return a.get(0);
    }

    /** strtoll(s, &end, 10) that must consume everything; null otherwise. */
    private static Long strtoll(String s) {
        String t = s.stripLeading();
        int i = 0;
        boolean neg = false;
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            neg = t.charAt(0) == '-';
            i = 1;
        }
        if (i == t.length()) {
            return s.isEmpty() ? 0L : null; // no digits: only "" is fully "consumed"
        }
        long v = 0;
        for (; i < t.length(); i++) {
            int d = t.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d; // saturates like ERANGE
        }
        return neg ? -v : v;
    }

    /** dir: must be an existing directory (Redis chdir()s into it); the value is absolute. */
    static Object dir(List<String> a) {
        String d = single(a);
        Path p = Path.of(d.isEmpty() ? "." : d).toAbsolutePath().normalize();
        if (d.isEmpty()) {
            throw new ConfigException("No such file or directory");
        }
        try {
            Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("No such file or directory");
        } catch (java.io.IOException e) {
            // chdir()'s errno text, as Redis reports it ("File name too long", ...)
            throw new ConfigException(e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                    ? f.getReason() : "No such file or directory");
        }
        if (!Files.isDirectory(p)) {
            throw new ConfigException("Not a directory");
        }
        if (!Files.isExecutable(p)) {
            throw new ConfigException("Permission denied");
        }
        return p.toString();
    }

    /** save: pairs of seconds (>= 1) and changes (>= 0); "" alone means no saving. */
    static Object save(List<String> a) {
        List<String> args = a;
        if (args.size() == 1 && args.get(0).isEmpty()) {
            args = List.of();
        }
        if (args.size() % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < args.size(); j++) {
            Long v = strtoll(args.get(j));
            if (v == null || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
                throw new ConfigException("Invalid save parameters");
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(j % 2 == 0 ? (long) v : (int) (long) v); // changes is a C int
        }
        return sb.toString();
    }

    /**
     * client-output-buffer-limit: groups of class hard soft seconds, merged into the current
     * limits (classes not named keep theirs).
     */
    static Object clientOutputBufferLimit(List<String> a, String current) {
        List<String> args = a.size() == 1 && a.get(0).isEmpty() ? List.of() : a;
        if (args.size() % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        Map<String, String> classes = new LinkedHashMap<>();
        String[] cur = current.split(" ");
        for (int i = 0; i + 3 < cur.length; i += 4) {
            classes.put(cur[i], cur[i + 1] + " " + cur[i + 2] + " " + cur[i + 3]);
        }
        Map<String, String> updates = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 4) {
            String cls = args.get(i).toLowerCase(Locale.ROOT);
            if (cls.equals("replica")) {
                cls = "slave";
            }
            if (!classes.containsKey(cls)) {
                throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
            Long hard = ConfigValues.memtoull(args.get(i + 1));
            Long soft = ConfigValues.memtoull(args.get(i + 2));
            Long secs = strtoll(args.get(i + 3));
            if (hard == null || soft == null || secs == null || (int) (long) secs < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            updates.put(cls, Long.toUnsignedString(hard) + " " + Long.toUnsignedString(soft) + " " + (int) (long) secs);
        }
        classes.putAll(updates);
        StringBuilder sb = new StringBuilder();
        classes.forEach((k, v) -> sb.append(sb.length() > 0 ? " " : "").append(k).append(' ').append(v));
        return sb.toString();
    }

    /** oom-score-adj-values: three integers in [-2000, 2000]. */
    static Object oomScoreAdjValues(List<String> a) {
        if (a.size() != 3) {
            throw new ConfigException("wrong number of arguments");
        }
        List<String> out = new ArrayList<>();
        for (String s : a) {
            Long v = strtoll(s);
            if (v == null || v < -2000 || v > 2000) {
                throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
            out.add(Long.toString(v));
        }
        return String.join(" ", out);
    }

    private static final String EVENT_CLASSES = "g$lshzxetd";

    /** notify-keyspace-events: class characters, printed back in Redis's canonical order. */
    static Object notifyKeyspaceEvents(List<String> a) {
        String s = single(a);
        boolean all = false;
        boolean keyspace = false;
        boolean keyevent = false;
        boolean miss = false;
        boolean isNew = false;
        StringBuilder types = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == 'A') {
                all = true;
            } else if (c == 'K') {
                keyspace = true;
            } else if (c == 'E') {
                keyevent = true;
            } else if (c == 'm') {
                miss = true;
            } else if (c == 'n') {
                isNew = true;
            } else if (EVENT_CLASSES.indexOf(c) >= 0) {
                types.append(c);
            } else {
                throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
        }
        StringBuilder out = new StringBuilder();
        boolean everyType = all;
        if (!everyType) {
            everyType = true;
            for (char c : EVENT_CLASSES.toCharArray()) {
                everyType &= types.indexOf(String.valueOf(c)) >= 0;
            }
        }
        if (everyType) {
            out.append('A'); // 'n' is not part of "A" and, set or not, is then not printed
        } else {
            for (char c : (EVENT_CLASSES + "n").toCharArray()) {
                if (c == 'n' ? isNew : types.indexOf(String.valueOf(c)) >= 0) {
                    out.append(c);
                }
            }
        }
        if (keyspace) {
            out.append('K');
        }
        if (keyevent) {
            out.append('E');
        }
        if (miss) {
            out.append('m');
        }
        return out.toString();
    }

    /** bind: up to 16 addresses; "" alone means none. */
    static Object bind(List<String> a) {
        if (a.size() > 16) {
            throw new ConfigException("Too many bind addresses specified.");
        }
        if (a.size() == 1 && a.get(0).isEmpty()) {
            return "";
        }
        return String.join(" ", a);
    }

    /** replicaof host port | no one (only from the config file: it is immutable at runtime). */
    static Object replicaof(List<String> a) {
        if (a.size() != 2) {
            throw new ConfigException("wrong number of arguments");
        }
        if (a.get(0).equalsIgnoreCase("no") && a.get(1).equalsIgnoreCase("one")) {
            return "";
        }
        Long port = strtoll(a.get(1));
        if (port == null || a.get(1).stripLeading().length() != a.get(1).length() || port < 0 || port > 65535) {
            throw new ConfigException("Invalid master port");
        }
        return a.get(0) + " " + port;
    }

    /** latency-tracking-info-percentiles: numbers in [0, 100], printed as "%f" trimmed. */
    static Object percentiles(List<String> a) {
        if (a.size() == 1 && a.get(0).isEmpty()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (String s : a) {
            Double d = string2d(s);
            if (d == null) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (d > 100.0 || d < 0.0) {
                throw new ConfigException("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            String f = String.format(Locale.ROOT, "%f", d);
            if (f.indexOf('.') >= 0) {
                f = f.replaceAll("0+$", "");
                if (f.endsWith(".")) {
                    f = f.substring(0, f.length() - 1);
                }
            }
            out.add(f);
        }
        return String.join(" ", out);
    }

    /**
     * Redis's string2d(): strtod over the whole string (hex and "inf" included), refusing a
     * leading space, NaN, overflow and underflow to zero.
     */
    static Double string2d(String s) {
        return io.redmesh.node.util.Bytes.parseDoubleOrNull(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** shutdown-on-sigint / -sigterm: flags, printed as Redis's configEnumGetName does. */
    static Object shutdownFlags(List<String> a, Map<String, Integer> table) {
        if (a.isEmpty()) {
            throw ConfigValues.enumError(new ArrayList<>(table.keySet()));
        }
        int value = 0;
        for (String s : a) {
            Integer v = null;
            for (Map.Entry<String, Integer> e : table.entrySet()) {
                if (e.getKey().equalsIgnoreCase(s)) {
                    v = e.getValue();
                }
            }
            if (v == null) {
                throw ConfigValues.enumError(new ArrayList<>(table.keySet()));
            }
            value |= v;
        }
        if ((value & 1) != 0 && (value & 2) != 0) {
            throw new ConfigException("shutdown options SAVE and NOSAVE can't be used simultaneously");
        }
        StringBuilder names = new StringBuilder();
        int unmatched = value;
        for (Map.Entry<String, Integer> e : table.entrySet()) {
            if (e.getValue() == value) {
                return e.getKey();
            }
            int f = e.getValue();
            if (f != 0 && (unmatched & f) == f) {
                names.append(names.length() > 0 ? " " : "").append(e.getKey());
                unmatched &= ~f;
            }
        }
        return names.length() == 0 || unmatched != 0 ? "unknown" : names.toString();
    }

    /** pathIsBaseName(): no '/' nor '\\'. */
    static void baseName(String v, String error) {
        if (v.indexOf('/') >= 0 || v.indexOf('\\') >= 0) {
            throw new ConfigException(error);
        }
    }

    /** isValidAnnouncedHostname(). */
    static void validHostname(String v) {
        if (v.length() >= 256) {
            throw new ConfigException("Hostnames must be less than 256 characters");
        }
        for (char c : v.toCharArray()) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                throw new ConfigException("Hostnames may only contain alphanumeric characters, hyphens or dots");
            }
        }
    }

    /**
     * isValidProcTitleTemplate(): every {variable} known, braces balanced ("{{" is a literal
     * '{'), and something left once expanded with an empty title and server mode.
     */
    static void validProcTitleTemplate(String t) {
        StringBuilder res = new StringBuilder();
        int p = 0;
        boolean ok = true;
        while (p < t.length()) {
            int sv = t.indexOf('{', p);
            if (sv < 0) {
                res.append(t, p, t.length());
                break;
            }
            res.append(t, p, sv);
            sv++;
            if (sv >= t.length()) {
                ok = false;
                break;
            }
            if (t.charAt(sv) == '{') {
                res.append('{');
                p = sv + 1;
                continue;
            }
            int ev = t.indexOf('}', sv);
            if (ev < 0) {
                ok = false;
                break;
            }
            switch (t.substring(sv, ev)) {
                case "title": case "server-mode": case "unixsocket": case "config-file":
                    break;
                case "listen-addr":
                    res.append("*:6379");
                    break;
                case "port": case "tls-port":
                    res.append('0');
                    break;
                default:
                    ok = false;
            }
            if (!ok) {
                break;
            }
            p = ev + 1;
        }
        if (!ok || res.toString().strip().isEmpty()) {
            throw new ConfigException("template format is invalid or contains unknown variables");
        }
    }
}

package io.redmesh.node.persist.aof;

import io.redmesh.node.util.Sds;
import io.redmesh.node.util.ArgSplitter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-part AOF manifest, Redis 7.0's {@code appendonly.aof.manifest}: one line per file,
 *
 * <pre>
 * file appendonly.aof.2.base.rdb seq 2 type b
 * file appendonly.aof.1.incr.aof seq 1 type h
 * file appendonly.aof.2.incr.aof seq 2 type i
 * </pre>
 *
 * At most one BASE ({@code b}, the snapshot of the last rewrite, first line), then HISTORY files
 * ({@code h}, superseded by a rewrite and deleted after it), then the INCR files ({@code i}, writes
 * since, in strictly increasing sequence). A name that needs quoting is written as Redis's
 * sdscatrepr() writes it and read back with sdssplitargs(). Parsing is as strict as Redis's
 * aofLoadManifestFromFile(), with its error texts.
 */
public final class AofManifest {
    public static final char BASE = 'b';
    public static final char HISTORY = 'h';
    public static final char INCR = 'i';
    /** Redis reads manifest lines with fgets into a 1024-byte buffer. */
    static final int MAX_LINE = 1024;

    /** One file of the manifest. */
    public record Info(String fileName, long seq, char type) {
        Info withType(char t) {
            return new Info(fileName, seq, t);
        }
    }

    Info base;
    final List<Info> history = new ArrayList<>();
    final List<Info> incr = new ArrayList<>();
    long currBaseSeq;
    long currIncrSeq;

    public Info base() {
        return base;
    }

    public List<Info> incr() {
        return incr;
    }

    public List<Info> history() {
        return history;
    }

    AofManifest copy() {
        AofManifest m = new AofManifest();
        m.base = base;
        m.history.addAll(history);
        m.incr.addAll(incr);
        m.currBaseSeq = currBaseSeq;
        m.currIncrSeq = currIncrSeq;
        return m;
    }

    /** A manifest error, reported as Redis's "*** FATAL AOF MANIFEST FILE ERROR ***". */
    public static final class ManifestException extends Exception {
        private static final long serialVersionUID = 1L;
        public final int lineNumber;
        public final String line;

        ManifestException(String message, int lineNumber, String line) {
            super(message);
            this.lineNumber = lineNumber;
            this.line = line;
        }

        /** The log lines Redis writes for this error. */
        public List<String> logLines() {
            List<String> l = new ArrayList<>();
            l.add("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
            if (line != null) {
                l.add("Reading the manifest file, at line " + lineNumber + "\n");
                l.add(">>> '" + line + "'\n");
            }
            l.add(getMessage() + "\n");
            return l;
        }
    }

    /** Parses a manifest file's bytes exactly as Redis 7.0 does. */
    public static AofManifest parse(byte[] content) throws ManifestException {
        AofManifest am = new AofManifest();
        long maxSeq = 0;
        int lineNum = 0;
        int pos = 0;
        while (true) {
            if (pos >= content.length) {
                if (lineNum == 0) {
                    throw new ManifestException("Found an empty AOF manifest", 0, null);
                }
                return am;
            }
            // fgets(buf, 1025): up to 1024 bytes or through the next newline
            int end = pos;
            while (end < content.length && end - pos < MAX_LINE && content[end] != '\n') {
                end++;
            }
            boolean newline = end < content.length && content[end] == '\n';
            int next = newline ? end + 1 : end;
            lineNum++;
            byte[] raw = java.util.Arrays.copyOfRange(content, pos, next);
            pos = next;
            if (raw.length > 0 && raw[0] == '#') {
                continue;
            }
            if (!newline) {
                throw new ManifestException("The AOF manifest file contains too long line", lineNum, null);
            }
            String line = Sds.trim(new String(raw, StandardCharsets.ISO_8859_1));
            if (line.isEmpty()) {
                throw new ManifestException("Invalid AOF manifest file format", lineNum, line);
            }
            byte[] lb = line.getBytes(StandardCharsets.ISO_8859_1);
            List<byte[]> argv = ArgSplitter.split(lb, 0, lb.length);
            // 'argc < 6' leaves room for keys later versions may add
            if (argv == null || argv.size() < 6 || argv.size() % 2 != 0) {
                throw new ManifestException("Invalid AOF manifest file format", lineNum, line);
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < argv.size(); i += 2) {
                String k = new String(argv.get(i), StandardCharsets.ISO_8859_1);
                String v = new String(argv.get(i + 1), StandardCharsets.ISO_8859_1);
                if (k.equalsIgnoreCase("file")) {
                    name = v;
                    if (v.indexOf('/') >= 0 || v.indexOf('\\') >= 0) {
                        throw new ManifestException("File can't be a path, just a filename", lineNum, line);
                    }
                } else if (k.equalsIgnoreCase("seq")) {
                    seq = atoll(v);
                } else if (k.equalsIgnoreCase("type")) {
                    type = v.isEmpty() ? 0 : v.charAt(0);
                }
            }
            if (name == null || seq == 0 || type == 0) {
                throw new ManifestException("Invalid AOF manifest file format", lineNum, line);
            }
            Info ai = new Info(name, seq, type);
            if (type == BASE) {
                if (am.base != null) {
                    throw new ManifestException("Found duplicate base file information", lineNum, line);
                }
                am.base = ai;
                am.currBaseSeq = seq;
            } else if (type == HISTORY) {
                am.history.add(ai);
            } else if (type == INCR) {
                if (seq <= maxSeq) {
                    throw new ManifestException("Found a non-monotonic sequence number", lineNum, line);
                }
                am.incr.add(ai);
                am.currIncrSeq = seq;
                maxSeq = seq;
            } else {
                throw new ManifestException("Unknown AOF file type", lineNum, line);
            }
        }
    }


    /** C's atoll: optional spaces and sign, then digits up to the first non-digit. */
    static long atoll(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return neg ? -v : v;
    }

    /** The manifest as Redis writes it: base, then history, then incr files. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) {
            line(sb, base);
        }
        for (Info i : history) {
            line(sb, i);
        }
        for (Info i : incr) {
            line(sb, i);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, Info i) {
        sb.append("file ").append(Sds.needsRepr(i.fileName) ? Sds.repr(i.fileName) : i.fileName)
          .append(" seq ").append(i.seq).append(" type ").append(i.type).append('\n');
    }



    // ------------------------------------------------------------------ changes (rewrite, start)

    /** getNewBaseFileNameAndMarkPreAsHistory(): the next base name; the old base becomes history. */
    String newBase(String aofFilename, boolean rdb) {
        if (base != null) {
            history.add(0, base.withType(HISTORY));
        }
        String name = aofFilename + "." + (++currBaseSeq) + ".base" + (rdb ? ".rdb" : ".aof");
        base = new Info(name, currBaseSeq, BASE);
        return name;
    }

    /** getNewIncrAofName(): appends a new incr file to the list. */
    String newIncr(String aofFilename) {
        String name = aofFilename + "." + (++currIncrSeq) + ".incr.aof";
        incr.add(new Info(name, currIncrSeq, INCR));
        return name;
    }

    /** getLastIncrAofName(): the incr file to append to, created if there is none. */
    String lastIncr(String aofFilename) {
        return incr.isEmpty() ? newIncr(aofFilename) : incr.get(incr.size() - 1).fileName;
    }

    /**
     * markRewrittenIncrAofAsHistory(): after a rewrite every incr file but the one being written
     * ({@code keepLast}) is covered by the new base and becomes history.
     */
    void markRewrittenIncrAsHistory(boolean keepLast) {
        int keep = keepLast && !incr.isEmpty() ? 1 : 0;
        while (incr.size() > keep) {
            Info ai = incr.remove(incr.size() - 1 - keep);
            history.add(0, ai.withType(HISTORY));
        }
    }
}

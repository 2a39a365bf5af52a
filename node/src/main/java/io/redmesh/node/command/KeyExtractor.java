package io.redmesh.node.command;

import io.redmesh.node.util.Bytes;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the key arguments of a command from its key specs, as Redis's getKeysUsingKeySpecs()
 * does. The result lists argument positions and, for each, the index of the key spec that found
 * it (ACL checks need the spec's RO/RW/OW flags).
 */
public final class KeyExtractor {
    private KeyExtractor() {}

    /**
     * Redis's getkeys_proc: finds the keys of a command whose key specs cannot say everything,
     * here the ones flagged "variable_flags" (SET's key is only read with GET).
     */
    public interface GetKeysProc {
        Keys keys(byte[][] argv, int argc);
    }

    /** Argument positions of keys, each with the key spec that produced it. */
    public static final class Keys {
        private int[] positions = new int[4];
        private int[] specs = new int[4];
        private List<String>[] flags;
        private int count;

        void add(int pos, int spec) {
            add(pos, spec, null);
        }

        /** Adds a key whose flags are {@code keyFlags} rather than its spec's (variable flags). */
        @SuppressWarnings("unchecked")
        public void add(int pos, int spec, List<String> keyFlags) {
            if (count == positions.length) {
                positions = Arrays.copyOf(positions, count * 2);
                specs = Arrays.copyOf(specs, count * 2);
                if (flags != null) {
                    flags = Arrays.copyOf(flags, count * 2);
                }
            }
            if (keyFlags != null && flags == null) {
                flags = (List<String>[]) new List<?>[positions.length];
            }
            positions[count] = pos;
            specs[count] = spec;
            if (flags != null) {
                flags[count] = keyFlags;
            }
            count++;
        }

        /** The key's flags (RO, RW, access, ...) as COMMAND GETKEYSANDFLAGS prints them. */
        public List<String> flags(CommandSpec cmd, int i) {
            if (flags != null && flags[i] != null) {
                return flags[i];
            }
            return cmd.keySpecs.get(specs[i]).flags();
        }

        public int count() {
            return count;
        }

        public int position(int i) {
            return positions[i];
        }

        public int spec(int i) {
            return specs[i];
        }

        void clear() {
            count = 0;
        }
    }

    /**
     * getKeysFromCommandWithSpecs(): the key specs, unless one has variable flags or cannot be
     * searched ("unknown": SORT's STORE may be anywhere) and the command has a {@link GetKeysProc}.
     */
    public static Keys keys(CommandSpec cmd, byte[][] argv, int argc) {
        if (cmd.getkeys != null) {
            for (KeySpec k : cmd.keySpecs) {
                if (k.hasFlag("variable_flags") || k.begin().type().equals("unknown")) {
                    return cmd.getkeys.keys(argv, argc);
                }
            }
        }
        Keys out = new Keys();
        for (int j = 0; j < cmd.keySpecs.size(); j++) {
            KeySpec spec = cmd.keySpecs.get(j);
            int first;
            KeySpec.BeginSearch bs = spec.begin();
            if (bs.type().equals("index")) {
                first = bs.index();
            } else if (bs.type().equals("keyword")) {
                first = -1;
                int start = bs.startFrom() > 0 ? bs.startFrom() : argc + bs.startFrom();
                int end = bs.startFrom() > 0 ? argc - 1 : 0;
                int dir = start <= end ? 1 : -1;
                for (int i = start; dir > 0 ? i <= end : i >= end; i += dir) {
                    if (i >= argc || i < 1) {
                        break;
                    }
                    if (Bytes.eqIgnoreCase(argv[i], bs.keyword())) {
                        first = i + 1;
                        break;
                    }
                }
                if (first < 0) {
                    continue;
                }
            } else {
                continue; // "unknown": only movable-keys code can say
            }
            KeySpec.FindKeys fk = spec.find();
            int last;
            int step;
            if (fk.type().equals("range")) {
                step = fk.keyStep();
                if (fk.lastKey() >= 0) {
                    last = first + fk.lastKey();
                } else if (fk.limit() <= 1) {
                    last = argc + fk.lastKey();
                } else {
                    last = first + ((argc - first) / fk.limit() + fk.lastKey());
                }
                // getKeysUsingKeySpecs: a range out of bounds (PFMERGE with no source: begin 2,
                // last 1) is a syntax error that leaves the command with no keys at all
                if (last >= argc || last < first || first >= argc) {
                    if (spec.hasFlag("incomplete")) {
                        continue;
                    }
                    return invalid(out, spec);
                }
            } else if (fk.type().equals("keynum")) {
                int numIdx = first + fk.keyNumIdx();
                if (numIdx >= argc) {
                    return invalid(out, spec);
                }
                Long n = Bytes.parseLongOrNull(argv[numIdx]);
                // a count of 0 makes the whole spec invalid, as in Redis 7.0.15 (COMMAND GETKEYS
                // ZINTERSTORE dst 0 a: "Invalid arguments specified for command")
                if (n == null || n < 1 || n > argc) {
                    return invalid(out, spec);
                }
                first += fk.firstKey();
                step = fk.keyStep();
                last = first + (int) ((n - 1) * step);
            } else {
                continue;
            }
            if (step <= 0) {
                step = 1;
            }
            for (int i = first; i <= last; i += step) {
                if (i >= argc || i < first) {
                    if (spec.hasFlag("incomplete")) {
                        break;
                    }
                    return invalid(out, spec); // wrong argument count: the command reports it
                }
                out.add(i, j);
            }
        }
        return out;
    }

    private static Keys invalid(Keys out, KeySpec spec) {
        out.clear();
        return out;
    }
}

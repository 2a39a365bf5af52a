package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyExtractor;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.PartialQuickSort;
import io.redmesh.node.util.RedisException;
import io.redmesh.node.util.Strtod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]
 * and SORT_RO, as Redis 7.0's sortCommandGeneric(): the same option parsing and errors, the same
 * LIMIT clamping, the same orders (numeric ties broken by the elements' bytes, ALPHA in the C
 * locale's collation, elements whose BY key is missing sorting first), lists and sorted sets
 * kept in their own order under {@code BY nosort}, a set sorted ALPHA when it is stored (so a
 * replica stores the same list), and the sorted set converted to a skiplist as Redis does.
 * BY and GET patterns read other keys, so they need a user who may read every key, and are
 * refused in cluster mode, with Redis's messages.
 */
final class SortCommands implements CommandFamily {
    private static final List<String> SORTED_KEY_FLAGS = List.of("RO", "access");
    private static final List<String> STORE_KEY_FLAGS = List.of("OW", "update");

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("sort", c -> sort(c, false))
         .bind("sort_ro", c -> sort(c, true))
         .getkeys("sort", SortCommands::sortKeys)
         .getkeys("sort_ro", SortCommands::sortRoKeys);
    }

    /**
     * sortGetKeys(): the sorted key, and the last STORE's key. Options are scanned as Redis
     * does, skipping LIMIT's two arguments and BY's and GET's one, so "GET store" is a pattern.
     */
    static KeyExtractor.Keys sortKeys(byte[][] argv, int argc) {
        KeyExtractor.Keys keys = new KeyExtractor.Keys();
        keys.add(1, 0, SORTED_KEY_FLAGS);
        int store = -1;
        for (int i = 2; i < argc; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "limit")) {
                i += 2;
            } else if (Bytes.eqIgnoreCase(argv[i], "get") || Bytes.eqIgnoreCase(argv[i], "by")) {
                i += 1;
            } else if (Bytes.eqIgnoreCase(argv[i], "store") && i + 1 < argc) {
                store = i + 1;
            }
        }
        if (store > 0) {
            keys.add(store, 2, STORE_KEY_FLAGS);
        }
        return keys;
    }

    /** Whether the key finder names argument {@code storeIdx} as SORT's STORE key. */
    private static boolean storeKeyFound(byte[][] argv, int argc, int storeIdx) {
        KeyExtractor.Keys keys = sortKeys(argv, argc);
        return keys.count() == 2 && keys.position(1) == storeIdx;
    }

    /** sortROGetKeys(): only the sorted key. */
    static KeyExtractor.Keys sortRoKeys(byte[][] argv, int argc) {
        KeyExtractor.Keys keys = new KeyExtractor.Keys();
        keys.add(1, 0, SORTED_KEY_FLAGS);
        return keys;
    }

    /** One element being sorted (redisSortObject). */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    static void sort(CommandContext c, boolean readonly) {
        boolean desc = false;
        boolean alpha = false;
        boolean dontsort = false;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortby = null;
        byte[] storekey = null;
        List<byte[]> gets = new ArrayList<>();
        boolean cluster = c.server.config.getBool("cluster-enabled");
        Boolean fullKeyAccess = null; // asked of the ACL only when a pattern needs it
        int storeIdx = -1;
        for (int j = 2; j < c.argc(); j++) {
            int left = c.argc() - j - 1;
            if (c.argIs(j, "asc")) {
                desc = false;
            } else if (c.argIs(j, "desc")) {
                desc = true;
            } else if (c.argIs(j, "alpha")) {
                alpha = true;
            } else if (c.argIs(j, "limit") && left >= 2) {
                limitStart = c.argLong(j + 1);
                limitCount = c.argLong(j + 2);
                j += 2;
            } else if (!readonly && c.argIs(j, "store") && left >= 1) {
                storekey = c.arg(j + 1);
                storeIdx = j + 1;
                j++;
            } else if (c.argIs(j, "by") && left >= 1) {
                sortby = c.arg(j + 1);
                if (indexOf(sortby, (byte) '*', 0, cLength(sortby)) < 0) {
                    dontsort = true; // a pattern without '*' names no key: keep the native order
                } else {
                    if (cluster) {
                        throw RedisException.err("BY option of SORT denied in Cluster mode.");
                    }
                    fullKeyAccess = fullKeyAccess != null ? fullKeyAccess : fullKeyAccess(c);
                    if (!fullKeyAccess) {
                        throw RedisException.err("BY option of SORT denied due to insufficient ACL permissions.");
                    }
                }
                j++;
            } else if (c.argIs(j, "get") && left >= 1) {
                if (cluster) {
                    throw RedisException.err("GET option of SORT denied in Cluster mode.");
                }
                fullKeyAccess = fullKeyAccess != null ? fullKeyAccess : fullKeyAccess(c);
                if (!fullKeyAccess) {
                    throw RedisException.err("GET option of SORT denied due to insufficient ACL permissions.");
                }
                gets.add(c.arg(j + 1));
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (storekey != null && !c.session.mustObey() && !storeKeyFound(c.argv, c.argc(), storeIdx)) {
            // sortGetKeys() (so ACL, cluster routing) names another argument than the STORE key
            // this parse writes ("STORE get STORE secret"): refused rather than written unchecked
            throw Errors.E_SYNTAX;
        }
        Database db = c.db();
        Object sortval = db.lookup(c.arg(1));
        if (sortval != null && !(sortval instanceof ListValue) && !(sortval instanceof SetValue)
                && !(sortval instanceof ZSetValue)) {
            throw Errors.E_WRONGTYPE;
        }
        if (sortval == null) {
            sortval = new ListValue();
        }
        // A set has no order of its own: stored (or replicated) results must not depend on it.
        if (dontsort && sortval instanceof SetValue && storekey != null) {
            dontsort = false;
            alpha = true;
            sortby = null;
        }
        if (sortval instanceof ZSetValue z && z.isListpack()) {
            z.toSkiplist(); // zsetConvert(sortval, OBJ_ENCODING_SKIPLIST), visible to OBJECT ENCODING
            db.reaccount(c.arg(1));
        }
        int vectorlen = sizeOf(sortval);
        // 7.0.8's clamp (CVE-2022-35977): both bounded by the size before they are added, so
        // start + count - 1 cannot wrap
        long start = Math.min(Math.max(limitStart, 0), vectorlen);
        long count = Math.min(Math.max(limitCount, -1), vectorlen);
        long end = count < 0 ? vectorlen - 1 : start + count - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) {
            end = vectorlen - 1;
        }
        Item[] vector = load(sortval, dontsort, desc, start, end);
        if (dontsort && !(sortval instanceof SetValue)) {
            // the native order was loaded for the requested range only
            if (sortval instanceof ZSetValue || end >= start) {
                end -= start;
                start = 0;
            }
        }
        if (!dontsort) {
            if (score(db, vector, sortby, alpha)) {
                // Redis sorts then answers this error; the order is never seen, and a NaN weight
                // makes the comparison inconsistent (TimSort may throw), so answer it now
                throw RedisException.err("One or more scores can't be converted into double");
            }
            Comparator<Item> cmp = comparator(alpha, sortby != null, storekey != null, desc);
            if (sortby != null && (start != 0 || end != vector.length - 1)) {
                // Redis's pqsort(): not stable, so ties (ALPHA by a pattern) come out in its order
                PartialQuickSort.sort(vector, cmp, (int) start, (int) end);
            } else {
                Arrays.sort(vector, cmp);
            }
        }
        long outputlen = (gets.isEmpty() ? 1 : gets.size()) * (end - start + 1);
        if (storekey == null) {
            c.reply.array(outputlen);
            for (long j = start; j <= end; j++) {
                byte[] obj = vector[(int) j].obj;
                if (gets.isEmpty()) {
                    c.reply.bulk(obj);
                }
                for (byte[] pattern : gets) {
                    byte[] val = lookupByPattern(db, pattern, obj);
                    if (val == null) {
                        c.reply.nullBulk();
                    } else {
                        c.reply.bulk(val);
                    }
                }
            }
            return;
        }
        ListValue stored = new ListValue();
        for (long j = start; j <= end; j++) {
            byte[] obj = vector[(int) j].obj;
            if (gets.isEmpty()) {
                stored.pushTail(obj);
            }
            for (byte[] pattern : gets) {
                byte[] val = lookupByPattern(db, pattern, obj);
                stored.pushTail(val == null ? Bytes.EMPTY : val);
            }
        }
        if (outputlen > 0) {
            db.set(storekey, stored, false);
            db.ready(storekey);
            c.notify(KeyspaceEvents.LIST, "sortstore", storekey);
            c.dirty(outputlen);
        } else if (db.delete(storekey)) {
            c.notify(KeyspaceEvents.GENERIC, "del", storekey);
            c.dirty();
        }
        c.reply.integer(outputlen);
    }

    /**
     * ACLUserCheckCmdWithUnrestrictedKeyAccess(..., CMD_KEY_ACCESS): may this user read any key?
     * The master's stream and the AOF being loaded may: Redis's master client has no user (the
     * check answers 1), and a replica or a restart must apply what was applied whatever the
     * default user may read (7.0.15 judges its AOF client as the default user and loses it).
     */
    private static boolean fullKeyAccess(CommandContext c) {
        return c.session.mustObey() || c.server.accessControl() == null
                || c.server.accessControl().unrestrictedKeyRead(c.session, c.spec, c.argv);
    }

    private static int sizeOf(Object sortval) {
        if (sortval instanceof ListValue l) {
            return l.length();
        }
        if (sortval instanceof SetValue s) {
            return s.length();
        }
        return ((ZSetValue) sortval).length();
    }

    /**
     * Fills the vector: every element, or under {@code BY nosort} on a list or sorted set only
     * the range asked for, in the native order (reversed for DESC).
     */
    private static Item[] load(Object sortval, boolean dontsort, boolean desc, long start, long end) {
        List<Item> out = new ArrayList<>();
        if (sortval instanceof ListValue l) {
            if (dontsort) {
                if (end >= start) {
                    int len = l.length();
                    for (long i = start; i <= end; i++) {
                        out.add(new Item(l.get((int) (desc ? len - 1 - i : i))));
                    }
                }
            } else {
                for (int i = 0; i < l.length(); i++) {
                    out.add(new Item(l.get(i)));
                }
            }
        } else if (sortval instanceof SetValue s) {
            s.forEach(m -> out.add(new Item(m)));
        } else {
            ZSetValue z = (ZSetValue) sortval;
            if (dontsort) {
                if (end >= start) {
                    z.forRankRange(start, end, desc, (m, score) -> out.add(new Item(m)));
                }
            } else {
                z.forEach((m, score) -> out.add(new Item(m)));
            }
        }
        return out.toArray(new Item[0]);
    }

    /** Loads each element's sort weight; returns true if one could not be read as a double. */
    private static boolean score(Database db, Item[] vector, byte[] sortby, boolean alpha) {
        boolean error = false;
        for (Item it : vector) {
            byte[] byval = it.obj;
            if (sortby != null) {
                byval = lookupByPattern(db, sortby, it.obj);
                if (byval == null) {
                    continue; // weight 0 (or no ALPHA weight): sorts before the others
                }
            }
            if (alpha) {
                if (sortby != null) {
                    it.cmp = byval;
                }
            } else {
                Strtod.Result r = Strtod.parse(byval, 0, byval.length);
                it.score = r.value;
                // strtod() on the C string: it must stop at its end (or at a NUL byte)
                boolean whole = r.end == byval.length || byval[r.end] == 0;
                if (!whole || r.erange || Double.isNaN(r.value)) {
                    error = true;
                }
            }
        }
        return error;
    }

    /** sortCompare(); the sort is stable, as glibc's qsort() is for these arrays. */
    private static Comparator<Item> comparator(boolean alpha, boolean byPattern, boolean store, boolean desc) {
        Comparator<Item> cmp;
        if (!alpha) {
            cmp = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : Arrays.compareUnsigned(a.obj, b.obj);
        } else if (byPattern) {
            cmp = (a, b) -> {
                if (a.cmp == null || b.cmp == null) {
                    return a.cmp == b.cmp ? 0 : a.cmp == null ? -1 : 1;
                }
                return store ? Arrays.compareUnsigned(a.cmp, b.cmp) : collate(a.cmp, b.cmp);
            };
        } else {
            cmp = (a, b) -> store ? Arrays.compareUnsigned(a.obj, b.obj) : collate(a.obj, b.obj);
        }
        return desc ? cmp.reversed() : cmp;
    }

    /** strcoll() in the C locale: strcmp() on the bytes up to the first NUL. */
    private static int collate(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, 0, cLength(a), b, 0, cLength(b));
    }

    /** The length of {@code b} as a C string: up to its first NUL byte. */
    private static int cLength(byte[] b) {
        int i = indexOf(b, (byte) 0, 0, b.length);
        return i < 0 ? b.length : i;
    }

    private static int indexOf(byte[] b, byte v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * lookupKeyByPattern(): "#" is the element itself; otherwise the first '*' is replaced by
     * the element, and "->field" after it reads a hash field. Null when the key is missing or
     * of another type, or when the pattern has no '*'. The C string rules hold: '*' and "->"
     * are searched before the pattern's first NUL byte.
     */
    static byte[] lookupByPattern(Database db, byte[] pattern, byte[] subst) {
        if (pattern.length > 0 && pattern[0] == '#' && (pattern.length == 1 || pattern[1] == 0)) {
            return subst;
        }
        int clen = cLength(pattern);
        int star = indexOf(pattern, (byte) '*', 0, clen);
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < clen; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        int fieldlen = 0;
        if (arrow >= 0 && arrow + 2 < clen) {
            fieldlen = pattern.length - arrow - 2;
        } else {
            arrow = -1;
        }
        int postfix = pattern.length - (star + 1) - (fieldlen > 0 ? fieldlen + 2 : 0);
        byte[] key = new byte[star + subst.length + postfix];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pattern, star + 1, key, star + subst.length, postfix);
        Object o = db.lookup(key);
        if (arrow < 0) {
            return o instanceof byte[] s ? s : null;
        }
        if (!(o instanceof HashValue h)) {
            return null;
        }
        return h.get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length));
    }
}

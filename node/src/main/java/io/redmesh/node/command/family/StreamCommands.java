package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.stream.StreamEntry;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.List;

/**
 * The stream commands that add, read by range, delete and trim entries (Redis's t_stream.c);
 * the data structure is {@link StreamValue}. Reading with XREAD/XREADGROUP is
 * {@link StreamReadCommands}, consumer groups {@link StreamGroupCommands}, XINFO
 * {@link StreamInfoCommands}.
 *
 * <pre>
 * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
 * XRANGE key start end [COUNT count]          XREVRANGE key end start [COUNT count]
 * XLEN key     XDEL key id [id ...]     XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
 * XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
 * </pre>
 * XADD propagates the ID it chose; an approximate trim propagates as the exact trim it turned
 * out to be.
 */
final class StreamCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("xadd", StreamCommands::xadd)
         .bind("xrange", c -> xrange(c, false))
         .bind("xrevrange", c -> xrange(c, true))
         .bind("xlen", StreamCommands::xlen)
         .bind("xdel", StreamCommands::xdel)
         .bind("xtrim", StreamCommands::xtrim)
         .bind("xsetid", StreamCommands::xsetid);
        StreamReadCommands.register(b);
        StreamGroupCommands.register(b);
        StreamInfoCommands.register(b);
    }

    // ------------------------------------------------------------------ helpers shared by the family

    static StreamValue read(CommandContext c, byte[] key) {
        return c.db().lookupAs(key, StreamValue.class, false);
    }

    static StreamValue readForWrite(CommandContext c, byte[] key) {
        return c.db().lookupAs(key, StreamValue.class, true);
    }

    /** After an in-place change of the stream at {@code key}: memory accounting and WATCH. */
    static void changed(CommandContext c, byte[] key) {
        c.db().reaccount(key);
        c.db().modified(key);
    }

    /** An entry as [id, [field, value, ...]]. */
    static void entry(Reply r, StreamEntry e) {
        r.array(2);
        r.bulk(e.id().bytes());
        r.array(e.fields().length * 2L);
        for (int i = 0; i < e.fields().length; i++) {
            r.bulk(e.fields()[i]);
            r.bulk(e.values()[i]);
        }
    }

    static void entries(Reply r, List<StreamEntry> list) {
        r.array(list.size());
        for (StreamEntry e : list) {
            entry(r, e);
        }
    }

    static void id(Reply r, StreamId id) {
        r.bulk(id.bytes());
    }

    // ------------------------------------------------------------------ XADD

    static void xadd(CommandContext c) {
        StreamArgs.TrimArgs a = StreamArgs.parseTrim(c, true);
        int fieldPos = a.idIdx + 1;
        int pairs = c.argc() - fieldPos;
        if (pairs < 2 || pairs % 2 == 1) {
            throw Errors.wrongArity(c.spec.fullName);
        }
        if (a.idGiven && a.seqGiven && a.id.isZero()) {
            throw RedisException.err("The ID specified in XADD must be greater than 0-0");
        }
        byte[] key = c.arg(1);
        StreamValue s = readForWrite(c, key);
        boolean created = false;
        if (s == null) {
            if (a.noMkstream) {
                c.reply.nullBulk();
                return;
            }
            s = new StreamValue();
            created = true;
        }
        if (s.lastId.equals(StreamId.MAX)) {
            throw RedisException.err("The stream has exhausted the last possible ID, unable to add more items");
        }
        StreamId id = nextId(c, s, a);
        if (created) {
            c.db().add(key, s);
        }
        s.append(id, c.argv, fieldPos, pairs / 2, c.server.config.getLong("stream-node-max-bytes"),
                c.server.config.getLong("stream-node-max-entries"));
        c.reply.bulk(id.bytes());
        c.dirty();
        c.notify(KeyspaceEvents.STREAM, "xadd", key);
        byte[][] prop = c.argv;
        if (a.trims()) {
            if (s.trim(a.byMaxlen, a.maxlen, a.minid, a.approx, a.limit) > 0) {
                c.notify(KeyspaceEvents.STREAM, "xtrim", key);
            }
            if (a.approx) {
                prop = StreamArgs.exactTrimArgv(prop, a, s);
            }
        }
        if (!a.idGiven || !a.seqGiven) {
            if (prop == c.argv) {
                prop = prop.clone();
            }
            prop[a.idIdx] = id.bytes();
        }
        if (prop != c.argv) {
            c.propagateAs(prop);
        }
        changed(c, key);
        c.db().ready(key);
    }

    /** The ID to add: auto (*), ms-* or explicit, with XADD's errors. */
    private static StreamId nextId(CommandContext c, StreamValue s, StreamArgs.TrimArgs a) {
        StreamId last = s.lastId;
        RedisException tooSmall = RedisException.err(
                "The ID specified in XADD is equal or smaller than the target stream top item");
        if (!a.idGiven) {
            long ms = c.now();
            if (Long.compareUnsigned(ms, last.ms()) > 0) {
                return new StreamId(ms, 0);
            }
            return last.next();
        }
        if (!a.seqGiven) {
            int cmp = Long.compareUnsigned(a.id.ms(), last.ms());
            if (cmp > 0) {
                return new StreamId(a.id.ms(), 0);
            }
            if (cmp == 0) {
                if (last.seq() == -1L) {
                    // 7.0 reports this overflow with the wrong errno, hence the odd text.
                    throw RedisException.err("Elements are too large to be stored");
                }
                return new StreamId(last.ms(), last.seq() + 1);
            }
            throw tooSmall;
        }
        if (a.id.compareTo(last) <= 0) {
            throw tooSmall;
        }
        return a.id;
    }

    // ------------------------------------------------------------------ XRANGE / XREVRANGE

    static void xrange(CommandContext c, boolean rev) {
        byte[] startArg = rev ? c.arg(3) : c.arg(2);
        byte[] endArg = rev ? c.arg(2) : c.arg(3);
        StreamId start = StreamArgs.intervalStart(startArg);
        StreamId end = StreamArgs.intervalEnd(endArg);
        long count = -1;
        for (int j = 4; j < c.argc(); j++) {
            if (c.argIs(j, "count") && c.argc() - j - 1 >= 1) {
                count = Math.max(0, c.argLong(j + 1));
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        StreamValue s = read(c, c.arg(1));
        if (s == null) {
            c.reply.emptyArray();
            return;
        }
        if (count == 0) {
            c.reply.nullArray();
            return;
        }
        entries(c.reply, s.list(start, end, rev, count == -1 ? 0 : count));
    }

    // ------------------------------------------------------------------ XLEN / XDEL

    static void xlen(CommandContext c) {
        StreamValue s = read(c, c.arg(1));
        c.reply.integer(s == null ? 0 : s.length);
    }

    static void xdel(CommandContext c) {
        byte[] key = c.arg(1);
        StreamValue s = readForWrite(c, key);
        if (s == null) {
            c.reply.integer(0);
            return;
        }
        StreamId[] ids = new StreamId[c.argc() - 2];
        for (int j = 2; j < c.argc(); j++) {
            ids[j - 2] = StreamArgs.strictId(c.arg(j));
        }
        long deleted = 0;
        boolean firstEntry = false;
        for (StreamId id : ids) {
            if (s.delete(id)) {
                if (id.equals(s.firstId)) {
                    firstEntry = true;
                }
                if (id.compareTo(s.maxDeletedId) > 0) {
                    s.maxDeletedId = id;
                }
                deleted++;
            }
        }
        if (deleted > 0) {
            if (s.length == 0) {
                s.firstId = StreamId.MIN;
            } else if (firstEntry) {
                s.firstId = s.edge(true, false);
            }
            changed(c, key);
            c.dirty(deleted);
            c.notify(KeyspaceEvents.STREAM, "xdel", key);
        }
        c.reply.integer(deleted);
    }

    // ------------------------------------------------------------------ XTRIM

    static void xtrim(CommandContext c) {
        StreamArgs.TrimArgs a = StreamArgs.parseTrim(c, false);
        byte[] key = c.arg(1);
        StreamValue s = readForWrite(c, key);
        if (s == null) {
            c.reply.integer(0);
            return;
        }
        long deleted = s.trim(a.byMaxlen, a.maxlen, a.minid, a.approx, a.limit);
        if (deleted > 0) {
            c.notify(KeyspaceEvents.STREAM, "xtrim", key);
            if (a.approx) {
                c.propagateAs(StreamArgs.exactTrimArgv(c.argv, a, s));
            }
            changed(c, key);
            c.dirty(deleted);
        }
        c.reply.integer(deleted);
    }

    // ------------------------------------------------------------------ XSETID

    static void xsetid(CommandContext c) {
        StreamId id = StreamArgs.strictId(c.arg(2));
        long entriesAdded = -1;
        StreamId maxDeleted = StreamId.MIN;
        int i = 3;
        while (i < c.argc()) {
            int more = c.argc() - 1 - i;
            if (c.argIs(i, "entriesadded") && more > 0) {
                entriesAdded = c.argLong(i + 1);
                if (entriesAdded < 0) {
                    throw RedisException.err("entries_added must be positive");
                }
                i += 2;
            } else if (c.argIs(i, "maxdeletedid") && more > 0) {
                maxDeleted = StreamArgs.strictId(c.arg(i + 1));
                if (id.compareTo(maxDeleted) < 0) {
                    throw RedisException.err(
                            "The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
                i += 2;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        byte[] key = c.arg(1);
        StreamValue s = readForWrite(c, key);
        if (s == null) {
            throw new RedisException(Errors.NO_SUCH_KEY);
        }
        if (s.length > 0) {
            if (id.compareTo(s.lastValidId()) < 0) {
                throw RedisException.err("The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && s.length > entriesAdded) {
                throw RedisException.err(
                        "The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        // 7.0.15 does not compare the ID with the stream's own max_deleted_entry_id (7.2 does).
        s.lastId = id;
        if (entriesAdded != -1) {
            s.entriesAdded = entriesAdded;
        }
        if (!maxDeleted.isZero()) {
            s.maxDeletedId = maxDeleted;
        }
        c.reply.ok();
        changed(c, key);
        c.dirty();
        c.notify(KeyspaceEvents.STREAM, "xsetid", key);
    }

    static byte[] bytes(String s) {
        return Bytes.of(s);
    }
}

package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.stream.StreamConsumer;
import io.redmesh.node.db.stream.StreamEntry;
import io.redmesh.node.db.stream.StreamGroup;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.db.stream.StreamNack;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consumer groups (t_stream.c): XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM.
 *
 * <pre>
 * XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]    XGROUP SETID key group id|$ [ENTRIESREAD n]
 * XGROUP DESTROY key group    XGROUP CREATECONSUMER key group consumer    XGROUP DELCONSUMER key group consumer
 * XACK key group id [id ...]
 * XPENDING key group [[IDLE min-idle] start end count [consumer]]
 * XCLAIM key group consumer min-idle id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
 * XAUTOCLAIM key group consumer min-idle start [COUNT count] [JUSTID]
 * </pre>
 * XCLAIM and XAUTOCLAIM propagate one idempotent XCLAIM per entry they changed (and XGROUP
 * SETID when only LASTID moved the group), never themselves.
 */
final class StreamGroupCommands {
    private StreamGroupCommands() {}

    static void register(CommandTable.Binder b) {
        b.bind("xgroup|create", StreamGroupCommands::xgroup)
         .bind("xgroup|setid", StreamGroupCommands::xgroup)
         .bind("xgroup|destroy", StreamGroupCommands::xgroup)
         .bind("xgroup|createconsumer", StreamGroupCommands::xgroup)
         .bind("xgroup|delconsumer", StreamGroupCommands::xgroup)
         .bind("xgroup|help", c -> Help.reply(c, "XGROUP",
                 "CREATE <key> <groupname> <id|$> [option]",
                 "    Create a new consumer group. Options are:",
                 "    * MKSTREAM",
                 "      Create the empty stream if it does not exist.",
                 "    * ENTRIESREAD entries_read",
                 "      Set the group's entries_read counter (internal use).",
                 "CREATECONSUMER <key> <groupname> <consumer>",
                 "    Create a new consumer in the specified group.",
                 "DELCONSUMER <key> <groupname> <consumer>",
                 "    Remove the specified consumer.",
                 "DESTROY <key> <groupname>",
                 "    Remove the specified group.",
                 "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                 "    Set the current group ID and entries_read counter."))
         .bind("xack", StreamGroupCommands::xack)
         .bind("xpending", StreamGroupCommands::xpending)
         .bind("xclaim", StreamGroupCommands::xclaim)
         .bind("xautoclaim", StreamGroupCommands::xautoclaim);
    }

    /**
     * The largest COUNT whose 16 bytes each fit x86-64's 128 TiB user address space: beyond it
     * Redis's up-front ztrymalloc cannot succeed on any machine (below it, it may, lazily).
     */
    private static final long MAX_AUTOCLAIM_COUNT = (1L << 47) / 16;

    /** streamLookupConsumer, else streamCreateConsumer with its keyspace event. */
    static StreamConsumer consumerFor(CommandContext c, byte[] key, StreamGroup g, byte[] name, long now) {
        StreamConsumer found = g.lookupConsumer(name, now, true);
        if (found != null) {
            return found;
        }
        c.notify(KeyspaceEvents.STREAM, "xgroup-createconsumer", key);
        return g.createConsumer(name, now);
    }

    static RedisException noGroup(byte[] key, byte[] group) {
        return new RedisException("NOGROUP No such key '" + Bytes.latin1(key) + "' or consumer group '"
                + Bytes.latin1(group) + "'");
    }

    // ------------------------------------------------------------------ XGROUP

    static void xgroup(CommandContext c) {
        String opt = c.argLower(1);
        boolean create = opt.equals("create");
        boolean setid = opt.equals("setid");
        boolean mkstream = false;
        long entriesRead = StreamGroup.INVALID_ENTRIES_READ;
        if (create || setid) {
            int i = 5;
            while (i < c.argc()) {
                if (create && c.argIs(i, "mkstream")) {
                    mkstream = true;
                    i++;
                } else if (c.argIs(i, "entriesread") && i + 1 < c.argc()) {
                    entriesRead = c.argLong(i + 1);
                    if (entriesRead < 0 && entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
                        throw RedisException.err("value for ENTRIESREAD must be positive or -1");
                    }
                    i += 2;
                } else {
                    throw c.subcommandSyntaxError();
                }
            }
        }
        byte[] key = c.arg(2);
        byte[] name = c.arg(3);
        StreamValue s = StreamCommands.readForWrite(c, key);
        if (s == null && !mkstream) {
            throw RedisException.err("The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
                    + "want to use the MKSTREAM option to create an empty stream automatically.");
        }
        StreamGroup g = s == null ? null : s.group(name);
        if (g == null && !create && !opt.equals("destroy")) {
            throw new RedisException("NOGROUP No such consumer group '" + Bytes.latin1(name) + "' for key name '"
                    + Bytes.latin1(key) + "'");
        }
        long now = c.now();
        switch (opt) {
            case "create" -> {
                if (c.argc() > 8) {
                    throw c.subcommandSyntaxError();
                }
                StreamId id = isDollar(c.arg(4)) ? (s == null ? StreamId.MIN : s.lastId) : StreamArgs.strictId(c.arg(4));
                if (s == null) {
                    s = new StreamValue();
                    c.db().add(key, s);
                    c.db().modified(key);
                }
                if (s.group(name) != null) {
                    throw new RedisException("BUSYGROUP Consumer Group name already exists");
                }
                s.groups().put(name, new StreamGroup(id, entriesRead));
                c.reply.ok();
                c.dirty();
                c.notify(KeyspaceEvents.STREAM, "xgroup-create", key);
            }
            case "setid" -> {
                if (c.argc() != 5 && c.argc() != 7) {
                    throw c.subcommandSyntaxError();
                }
                StreamId id = isDollar(c.arg(4)) ? s.lastId : StreamArgs.parseId(c.arg(4), 0, false, null);
                g.lastId = id;
                g.entriesRead = entriesRead;
                c.reply.ok();
                c.dirty();
                c.notify(KeyspaceEvents.STREAM, "xgroup-setid", key);
            }
            case "destroy" -> {
                if (g != null) {
                    s.groups().remove(name);
                    c.reply.integer(1);
                    c.dirty();
                    c.notify(KeyspaceEvents.STREAM, "xgroup-destroy", key);
                    c.db().ready(key); // blocked XREADGROUP clients get NOGROUP
                } else {
                    c.reply.integer(0);
                }
            }
            case "createconsumer" -> {
                StreamConsumer created = g.createConsumer(c.arg(4), now);
                if (created != null) {
                    c.dirty();
                    c.notify(KeyspaceEvents.STREAM, "xgroup-createconsumer", key);
                }
                c.reply.integer(created != null ? 1 : 0);
            }
            case "delconsumer" -> {
                long pending = 0;
                StreamConsumer consumer = g.lookupConsumer(c.arg(4), now, false);
                if (consumer != null) {
                    pending = consumer.pel.size();
                    g.deleteConsumer(consumer);
                    c.dirty();
                    c.notify(KeyspaceEvents.STREAM, "xgroup-delconsumer", key);
                }
                c.reply.integer(pending);
            }
            default -> throw c.subcommandSyntaxError();
        }
        StreamCommands.changed(c, key);
    }

    private static boolean isDollar(byte[] a) {
        return a.length == 1 && a[0] == '$';
    }

    // ------------------------------------------------------------------ XACK

    static void xack(CommandContext c) {
        StreamValue s = StreamCommands.readForWrite(c, c.arg(1));
        StreamGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            c.reply.integer(0);
            return;
        }
        StreamId[] ids = new StreamId[c.argc() - 3];
        for (int j = 3; j < c.argc(); j++) {
            ids[j - 3] = StreamArgs.strictId(c.arg(j));
        }
        long acked = 0;
        for (StreamId id : ids) {
            if (g.ack(id)) {
                acked++;
            }
        }
        if (acked > 0) {
            c.dirty(acked);
            StreamCommands.changed(c, c.arg(1));
        }
        c.reply.integer(acked);
    }

    // ------------------------------------------------------------------ XPENDING

    static void xpending(CommandContext c) {
        boolean summary = c.argc() == 3;
        if (c.argc() != 3 && (c.argc() < 6 || c.argc() > 9)) {
            throw io.redmesh.node.util.Errors.E_SYNTAX;
        }
        StreamId start = null;
        StreamId end = null;
        long count = 0;
        long minIdle = 0;
        byte[] consumerName = null;
        if (c.argc() >= 6) {
            int at = 3;
            if (c.argIs(3, "idle")) {
                minIdle = c.argLong(4);
                if (c.argc() < 8) {
                    throw io.redmesh.node.util.Errors.E_SYNTAX;
                }
                at += 2;
            }
            count = Math.max(0, c.argLong(at + 2));
            start = StreamArgs.intervalStart(c.arg(at));
            end = StreamArgs.intervalEnd(c.arg(at + 1));
            if (at + 3 < c.argc()) {
                consumerName = c.arg(at + 3);
            }
        }
        StreamValue s = StreamCommands.read(c, c.arg(1));
        StreamGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            throw noGroup(c.arg(1), c.arg(2));
        }
        if (summary) {
            c.reply.array(4);
            c.reply.integer(g.pel.size());
            if (g.pel.isEmpty()) {
                c.reply.nullBulk();
                c.reply.nullBulk();
                c.reply.nullArray();
                return;
            }
            StreamCommands.id(c.reply, g.pel.firstKey());
            StreamCommands.id(c.reply, g.pel.lastKey());
            List<StreamConsumer> withPending = new ArrayList<>();
            for (StreamConsumer sc : g.consumers.values()) {
                if (!sc.pel.isEmpty()) {
                    withPending.add(sc);
                }
            }
            c.reply.array(withPending.size());
            for (StreamConsumer sc : withPending) {
                c.reply.array(2);
                c.reply.bulk(sc.name);
                c.reply.bulkLong(sc.pel.size());
            }
            return;
        }
        Map<StreamId, StreamNack> pel = g.pel;
        if (consumerName != null) {
            StreamConsumer sc = g.lookupConsumer(consumerName, 0, false);
            if (sc == null) {
                c.reply.emptyArray();
                return;
            }
            pel = sc.pel;
        }
        long now = c.now();
        List<Map.Entry<StreamId, StreamNack>> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, StreamNack> e : ((java.util.NavigableMap<StreamId, StreamNack>) pel)
                    .subMap(start, true, end, true).entrySet()) {
                if (count == 0) {
                    break;
                }
                if (minIdle != 0 && now - e.getValue().deliveryTime < minIdle) {
                    continue;
                }
                out.add(e);
                count--;
            }
        }
        c.reply.array(out.size());
        for (Map.Entry<StreamId, StreamNack> e : out) {
            StreamNack n = e.getValue();
            c.reply.array(4);
            StreamCommands.id(c.reply, e.getKey());
            c.reply.bulk(n.consumer.name);
            c.reply.integer(Math.max(0, now - n.deliveryTime));
            c.reply.integer(n.deliveryCount);
        }
    }

    // ------------------------------------------------------------------ XCLAIM

    private static long longOr(CommandContext c, int i, String error) {
        Long v = Bytes.parseLongOrNull(c.arg(i));
        if (v == null) {
            throw RedisException.err(error);
        }
        return v;
    }

    static void xclaim(CommandContext c) {
        byte[] key = c.arg(1);
        StreamValue s = StreamCommands.readForWrite(c, key);
        StreamGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            throw noGroup(key, c.arg(2));
        }
        long minIdle = Math.max(0, longOr(c, 4, "Invalid min-idle-time argument for XCLAIM"));
        List<StreamId> ids = new ArrayList<>();
        List<Integer> idArgs = new ArrayList<>();
        int j = 5;
        for (; j < c.argc(); j++) {
            StreamId id;
            try {
                id = StreamArgs.strictId(c.arg(j));
            } catch (RedisException e) {
                break;
            }
            ids.add(id);
            idArgs.add(j);
        }
        long now = c.now();
        long retryCount = -1;
        long deliveryTime = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (c.argIs(j, "force")) {
                force = true;
            } else if (c.argIs(j, "justid")) {
                justId = true;
            } else if (c.argIs(j, "idle") && more > 0) {
                j++;
                deliveryTime = now - longOr(c, j, "Invalid IDLE option argument for XCLAIM");
            } else if (c.argIs(j, "time") && more > 0) {
                j++;
                deliveryTime = longOr(c, j, "Invalid TIME option argument for XCLAIM");
            } else if (c.argIs(j, "retrycount") && more > 0) {
                j++;
                retryCount = longOr(c, j, "Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (c.argIs(j, "lastid") && more > 0) {
                j++;
                lastId = StreamArgs.strictId(c.arg(j));
            } else {
                throw RedisException.err("Unrecognized XCLAIM option '" + Bytes.latin1(c.arg(j)) + "'");
            }
        }
        c.preventPropagation();
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            propagateLastId = true;
        }
        if (deliveryTime != -1) {
            if (deliveryTime < 0 || deliveryTime > now) {
                deliveryTime = now;
            }
        } else {
            deliveryTime = now;
        }
        StreamConsumer consumer = null;
        byte[] name = c.arg(3);
        List<Object> replies = new ArrayList<>();
        for (StreamId id : ids) {
            StreamNack nack = g.pel.get(id);
            StreamEntry entry = s.get(id);
            if (entry == null) {
                if (nack != null) {
                    c.propagateAs(StreamReadCommands.xclaimArgv(key, g, c.arg(2), id, nack));
                    propagateLastId = false;
                    c.dirty();
                    g.ack(id, nack);
                }
                continue;
            }
            if (force && nack == null) {
                nack = new StreamNack(now, 0, null);
                g.pel.put(id, nack);
            }
            if (nack == null) {
                continue;
            }
            if (nack.consumer != null && minIdle != 0 && now - nack.deliveryTime < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = consumerFor(c, key, g, name, now);
            }
            g.transfer(id, nack, consumer, deliveryTime);
            if (retryCount >= 0) {
                nack.deliveryCount = retryCount;
            } else if (!justId) {
                nack.deliveryCount++;
            }
            replies.add(justId ? id : entry);
            c.propagateAs(StreamReadCommands.xclaimArgv(key, g, c.arg(2), id, nack));
            propagateLastId = false;
            c.dirty();
        }
        if (propagateLastId) {
            c.propagateAs(StreamReadCommands.setIdArgv(key, g, c.arg(2)));
            c.dirty();
        }
        c.reply.array(replies.size());
        for (Object r : replies) {
            if (r instanceof StreamId id) {
                StreamCommands.id(c.reply, id);
            } else {
                StreamCommands.entry(c.reply, (StreamEntry) r);
            }
        }
        StreamCommands.changed(c, key);
    }

    // ------------------------------------------------------------------ XAUTOCLAIM

    static void xautoclaim(CommandContext c) {
        byte[] key = c.arg(1);
        long minIdle = Math.max(0, longOr(c, 4, "Invalid min-idle-time argument for XAUTOCLAIM"));
        StreamId start = StreamArgs.intervalStart(c.arg(5));
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (c.argIs(j, "count") && more > 0) {
                long max = Long.MAX_VALUE / 16;
                Long v = Bytes.parseLongOrNull(c.arg(j + 1));
                if (v == null || v < 1 || v > max) {
                    throw RedisException.err("COUNT must be > 0");
                }
                count = v;
                j++;
            } else if (c.argIs(j, "justid")) {
                justId = true;
            } else {
                throw io.redmesh.node.util.Errors.E_SYNTAX;
            }
        }
        StreamValue s = StreamCommands.readForWrite(c, key);
        StreamGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            throw noGroup(key, c.arg(2));
        }
        if (count > MAX_AUTOCLAIM_COUNT) {
            // Redis allocates 16 bytes per COUNT up front (the deleted IDs) and fails this way.
            throw RedisException.err("Insufficient memory, failed allocating transient memory, COUNT too high.");
        }
        c.preventPropagation();
        long attempts = count * 10;
        long now = c.now();
        byte[] name = c.arg(3);
        StreamConsumer consumer = null;
        List<Object> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        StreamId cur = g.pel.ceilingKey(start);
        while (attempts-- > 0 && count > 0 && cur != null) {
            StreamNack nack = g.pel.get(cur);
            StreamId next = g.pel.higherKey(cur);
            StreamEntry entry = s.get(cur);
            if (entry == null) {
                c.propagateAs(StreamReadCommands.xclaimArgv(key, g, c.arg(2), cur, nack));
                c.dirty();
                g.ack(cur, nack);
                deleted.add(cur);
                count--;
                cur = next;
                continue;
            }
            if (minIdle != 0 && now - nack.deliveryTime < minIdle) {
                cur = next;
                continue;
            }
            if (consumer == null) {
                consumer = consumerFor(c, key, g, name, now);
            }
            g.transfer(cur, nack, consumer, now);
            if (!justId) {
                nack.deliveryCount++;
            }
            claimed.add(justId ? cur : entry);
            count--;
            c.propagateAs(StreamReadCommands.xclaimArgv(key, g, c.arg(2), cur, nack));
            c.dirty();
            cur = next;
        }
        // The cursor is the entry after the last one examined (raxNext once more).
        StreamId cursor = cur == null ? StreamId.MIN : cur;
        c.reply.array(3);
        StreamCommands.id(c.reply, cursor);
        c.reply.array(claimed.size());
        for (Object r : claimed) {
            if (r instanceof StreamId id) {
                StreamCommands.id(c.reply, id);
            } else {
                StreamCommands.entry(c.reply, (StreamEntry) r);
            }
        }
        c.reply.array(deleted.size());
        for (StreamId id : deleted) {
            StreamCommands.id(c.reply, id);
        }
        StreamCommands.changed(c, key);
    }
}

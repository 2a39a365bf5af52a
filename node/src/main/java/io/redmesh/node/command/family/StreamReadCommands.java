package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.stream.StreamConsumer;
import io.redmesh.node.db.stream.StreamEntry;
import io.redmesh.node.db.stream.StreamGroup;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.db.stream.StreamNack;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * XREAD and XREADGROUP (t_stream.c's xreadCommand), blocking through the node's blocked-client
 * machinery.
 *
 * <pre>
 * XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
 * XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
 * </pre>
 * A client that blocks has its "$" IDs replaced in its arguments by the IDs they meant, so that
 * the re-run after an XADD reads what arrived since it blocked. On that re-run only the stream
 * that woke it is served, with COUNT 1000 when none was given, as 7.0 replies; a group
 * destroyed meanwhile ends the wait with NOGROUP. XREADGROUP propagates what it changed as
 * XCLAIM (one per delivered entry) and XGROUP SETID (NOACK), never itself.
 */
final class StreamReadCommands {
    private StreamReadCommands() {}

    private static final int BLOCKED_DEFAULT_COUNT = 1000;
    static final byte[] XCLAIM = Bytes.of("XCLAIM");
    static final byte[] XGROUP = Bytes.of("XGROUP");

    static void register(CommandTable.Binder b) {
        b.bind("xread", c -> xread(c, false))
         .bind("xreadgroup", c -> xread(c, true));
    }

    /** getTimeoutFromObjectOrReply(UNIT_MILLISECONDS): an absolute deadline, 0 = forever. */
    private static long blockDeadline(byte[] a) {
        Long v = Bytes.parseLongOrNull(a);
        if (v == null) {
            throw RedisException.err("timeout is not an integer or out of range");
        }
        if (v < 0) {
            throw new RedisException(Errors.TIMEOUT_NEGATIVE);
        }
        long t = v;
        if (t == 0) {
            return 0;
        }
        long now = System.currentTimeMillis();
        return t > Long.MAX_VALUE - now ? 0 : now + t;
    }

    static void xread(CommandContext c, boolean group) {
        long deadline = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        boolean noack = false;
        byte[] groupName = null;
        byte[] consumerName = null;
        for (int i = 1; i < c.argc(); i++) {
            int more = c.argc() - i - 1;
            if (c.argIs(i, "block") && more > 0) {
                i++;
                deadline = blockDeadline(c.arg(i));
            } else if (c.argIs(i, "count") && more > 0) {
                i++;
                count = Math.max(0, c.argLong(i));
            } else if (c.argIs(i, "streams") && more > 0) {
                streamsArg = i + 1;
                streamsCount = c.argc() - streamsArg;
                if (streamsCount % 2 != 0) {
                    char symbol = group ? '>' : '$';
                    throw RedisException.err("Unbalanced " + c.spec.fullName.toUpperCase(java.util.Locale.ROOT) + " list of streams: for each stream key an ID or '"
                            + symbol + "' must be specified.");
                }
                streamsCount /= 2;
                break;
            } else if (c.argIs(i, "group") && more >= 2) {
                if (!group) {
                    throw RedisException.err("The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                }
                groupName = c.arg(i + 1);
                consumerName = c.arg(i + 2);
                i += 2;
            } else if (c.argIs(i, "noack")) {
                if (!group) {
                    throw RedisException.err("The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                }
                noack = true;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (streamsArg == 0) {
            throw Errors.E_SYNTAX;
        }
        if (group && groupName == null) {
            throw RedisException.err("Missing GROUP option for XREADGROUP");
        }
        boolean rerun = c.readyKey() != null;
        StreamId[] ids = new StreamId[streamsCount];
        StreamGroup[] groups = new StreamGroup[streamsCount];
        boolean[] newOnly = new boolean[streamsCount];
        for (int k = 0; k < streamsCount; k++) {
            byte[] key = c.arg(streamsArg + k);
            byte[] idArg = c.arg(streamsArg + streamsCount + k);
            StreamValue s = group ? StreamCommands.readForWrite(c, key) : StreamCommands.read(c, key);
            if (groupName != null) {
                StreamGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    if (rerun) {
                        throw new RedisException("NOGROUP the consumer group this client was blocked on no longer exists");
                    }
                    throw new RedisException("NOGROUP No such key '" + Bytes.latin1(key) + "' or consumer group '"
                            + Bytes.latin1(groupName) + "' in XREADGROUP with GROUP option");
                }
                groups[k] = g;
            }
            if (idArg.length == 1 && idArg[0] == '$') {
                if (group) {
                    throw RedisException.err("The $ ID is meaningless in the context of XREADGROUP: you want to read "
                            + "the history of this consumer by specifying a proper ID, or use the > ID to get new "
                            + "messages. The $ ID would just return an empty result set.");
                }
                ids[k] = s == null ? StreamId.MIN : s.lastId;
                continue;
            }
            if (idArg.length == 1 && idArg[0] == '>') {
                if (!group) {
                    throw RedisException.err("The > ID can be specified only when calling XREADGROUP using the GROUP "
                            + "<group> <consumer> option.");
                }
                newOnly[k] = true;
                ids[k] = StreamId.MAX;
                continue;
            }
            ids[k] = StreamArgs.strictId(idArg);
        }

        long now = c.now();
        List<Integer> served = new ArrayList<>();
        for (int k = 0; k < streamsCount; k++) {
            byte[] key = c.arg(streamsArg + k);
            if (rerun && !Arrays.equals(key, c.readyKey())) {
                continue;
            }
            StreamValue s = StreamCommands.read(c, key);
            if (s == null) {
                continue;
            }
            if (groups[k] != null) {
                if (!newOnly[k]) {
                    served.add(k);
                } else if (s.length > 0 && s.lastValidId().compareTo(groups[k].lastId) > 0) {
                    ids[k] = groups[k].lastId;
                    served.add(k);
                }
            } else if (s.length > 0 && s.lastValidId().compareTo(ids[k]) > 0) {
                served.add(k);
            }
            if (rerun) {
                break; // only the stream that was fed
            }
        }
        if (!served.isEmpty()) {
            long n = rerun && count == 0 ? BLOCKED_DEFAULT_COUNT : count;
            if (c.reply.resp3()) {
                c.reply.map(served.size());
            } else {
                c.reply.array(served.size());
            }
            if (group) {
                c.preventPropagation();
            }
            for (int k : served) {
                byte[] key = c.arg(streamsArg + k);
                StreamValue s = StreamCommands.read(c, key);
                if (!c.reply.resp3()) {
                    c.reply.array(2);
                }
                c.reply.bulk(key);
                StreamId start = ids[k].next();
                if (groups[k] == null) {
                    StreamCommands.entries(c.reply, start == null ? List.of() : s.list(start, StreamId.MAX, false, n));
                    continue;
                }
                StreamGroup g = groups[k];
                StreamConsumer consumer = g.lookupConsumer(consumerName, now, true);
                if (consumer == null) {
                    consumer = StreamGroupCommands.consumerFor(c, key, g, consumerName, now);
                    if (noack) {
                        // No XCLAIM will carry the new consumer to replicas (streamPropagateConsumerCreation).
                        c.propagateAs(new byte[][] {XGROUP, Bytes.of("CREATECONSUMER"), key, groupName, consumerName});
                    }
                }
                if (!newOnly[k]) {
                    history(c, s, consumer, start, n, now);
                } else {
                    deliverNew(c, key, s, g, groupName, consumer, start, n, noack, now);
                }
                c.dirty();
                StreamCommands.changed(c, key);
            }
            return;
        }
        if (group) {
            c.preventPropagation();
        }
        if (deadline != -1) {
            if (!c.canBlock()) {
                c.reply.nullArray();
                return;
            }
            for (int k = 0; k < streamsCount; k++) {
                byte[] idArg = c.arg(streamsArg + streamsCount + k);
                if (idArg.length == 1 && idArg[0] == '$') {
                    c.argv[streamsArg + streamsCount + k] = ids[k].bytes(); // what "$" meant when it blocked
                }
            }
            List<byte[]> keys = Arrays.asList(c.argv).subList(streamsArg, streamsArg + streamsCount);
            c.block(keys, StreamValue.class, deadline, r -> r.nullArray());
            return;
        }
        c.reply.nullArray();
    }

    /** streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from {@code start}. */
    private static void history(CommandContext c, StreamValue s, StreamConsumer consumer, StreamId start,
                                long count, long now) {
        List<Map.Entry<StreamId, StreamNack>> pending = new ArrayList<>();
        if (start != null) {
            for (Map.Entry<StreamId, StreamNack> e : consumer.pel.tailMap(start, true).entrySet()) {
                if (count != 0 && pending.size() >= count) {
                    break;
                }
                pending.add(e);
            }
        }
        c.reply.array(pending.size());
        for (Map.Entry<StreamId, StreamNack> e : pending) {
            StreamEntry entry = s.get(e.getKey());
            if (entry == null) {
                c.reply.array(2);
                StreamCommands.id(c.reply, e.getKey());
                c.reply.nullArray();
            } else {
                StreamCommands.entry(c.reply, entry);
                e.getValue().deliveryTime = now;
                e.getValue().deliveryCount++;
            }
        }
    }

    /** streamReplyWithRange with a group: delivers new entries, records them pending unless NOACK. */
    private static void deliverNew(CommandContext c, byte[] key, StreamValue s, StreamGroup g, byte[] groupName,
                                   StreamConsumer consumer, StreamId start, long count, boolean noack, long now) {
        List<StreamEntry> list = start == null ? List.of() : s.list(start, StreamId.MAX, false, count);
        boolean propagateLastId = false;
        c.reply.array(list.size());
        for (StreamEntry e : list) {
            StreamId id = e.id();
            if (id.compareTo(g.lastId) > 0) {
                if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !s.rangeHasTombstones(id, null)) {
                    g.entriesRead++;
                } else if (s.entriesAdded != 0) {
                    g.entriesRead = s.estimateDistance(id);
                }
                g.lastId = id;
                if (noack) {
                    propagateLastId = true;
                }
            }
            StreamCommands.entry(c.reply, e);
            if (!noack) {
                // one walk of the group's PEL: a new entry goes in, an existing one comes back
                StreamNack fresh = new StreamNack(now, 1, consumer);
                StreamNack nack = g.pel.putIfAbsent(id, fresh);
                if (nack == null) {
                    nack = fresh;
                } else {
                    nack.consumer.pel.remove(id);
                    nack.consumer = consumer;
                    nack.deliveryTime = now;
                    nack.deliveryCount = 1;
                }
                consumer.pel.put(id, nack);
                c.propagateAs(xclaimArgv(key, g, groupName, id, nack));
            }
        }
        if (propagateLastId) {
            c.propagateAs(setIdArgv(key, g, groupName));
        }
    }

    /**
     * streamPropagateXCLAIM: XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID
     * LASTID group-last-id, which recreates the pending entry wherever it is replayed.
     */
    static byte[][] xclaimArgv(byte[] key, StreamGroup g, byte[] groupName, StreamId id, StreamNack nack) {
        return new byte[][] {XCLAIM, key, groupName, nack.consumer.name, Bytes.of("0"), id.bytes(),
            Bytes.of("TIME"), Bytes.fromLong(nack.deliveryTime), Bytes.of("RETRYCOUNT"),
            Bytes.fromLong(nack.deliveryCount), Bytes.of("FORCE"), Bytes.of("JUSTID"), Bytes.of("LASTID"),
            g.lastId.bytes()};
    }

    /** streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n. */
    static byte[][] setIdArgv(byte[] key, StreamGroup g, byte[] groupName) {
        return new byte[][] {XGROUP, Bytes.of("SETID"), key, groupName, g.lastId.bytes(), Bytes.of("ENTRIESREAD"),
            Bytes.fromLong(g.entriesRead)};
    }
}

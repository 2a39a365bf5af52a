package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.stream.StreamConsumer;
import io.redmesh.node.db.stream.StreamEntry;
import io.redmesh.node.db.stream.StreamGroup;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.db.stream.StreamNack;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.List;
import java.util.Map;

/**
 * XINFO (t_stream.c's xinfoCommand), 7.0's fields.
 *
 * <pre>
 * XINFO STREAM key [FULL [COUNT count]]    XINFO GROUPS key    XINFO CONSUMERS key group
 * </pre>
 * "radix-tree-nodes" counts Redis's rax nodes, which depend on how its radix tree splits
 * keys; we report an estimate (exact for up to one key, keys x 2 + 2 beyond), so tools reading it see a
 * plausible figure but it is not Redis's exact number.
 */
final class StreamInfoCommands {
    private StreamInfoCommands() {}

    static void register(CommandTable.Binder b) {
        b.bind("xinfo|stream", StreamInfoCommands::stream)
         .bind("xinfo|groups", StreamInfoCommands::groups)
         .bind("xinfo|consumers", StreamInfoCommands::consumers)
         .bind("xinfo|help", c -> Help.reply(c, "XINFO",
                 "CONSUMERS <key> <groupname>",
                 "    Show consumers of <groupname>.",
                 "GROUPS <key>",
                 "    Show the stream consumer groups.",
                 "STREAM <key> [FULL [COUNT <count>]",
                 "    Show information about the stream."));
    }

    private static StreamValue existing(CommandContext c) {
        StreamValue s = StreamCommands.read(c, c.arg(2));
        if (s == null) {
            throw new RedisException(Errors.NO_SUCH_KEY);
        }
        return s;
    }

    private static void field(Reply r, String name) {
        r.bulk(Bytes.of(name));
    }

    private static long raxNodes(StreamValue s) {
        int keys = s.nodeCount();
        return keys == 0 ? 1 : keys == 1 ? 2 : keys * 2L + 2;
    }

    static void stream(CommandContext c) {
        boolean full = false;
        long count = 10;
        if (c.argc() > 3) {
            if (!c.argIs(3, "full")) {
                throw c.subcommandSyntaxError();
            }
            full = true;
            if (c.argc() == 6 && c.argIs(4, "count")) {
                count = Math.max(0, c.argLong(5));
            } else if (c.argc() > 4) {
                throw c.subcommandSyntaxError();
            }
        }
        StreamValue s = existing(c);
        Reply r = c.reply;
        r.map(full ? 9 : 10);
        field(r, "length");
        r.integer(s.length);
        field(r, "radix-tree-keys");
        r.integer(s.nodeCount());
        field(r, "radix-tree-nodes");
        r.integer(raxNodes(s));
        field(r, "last-generated-id");
        StreamCommands.id(r, s.lastId);
        field(r, "max-deleted-entry-id");
        StreamCommands.id(r, s.maxDeletedId);
        field(r, "entries-added");
        r.integer(s.entriesAdded);
        field(r, "recorded-first-entry-id");
        StreamCommands.id(r, s.firstId);
        if (!full) {
            field(r, "groups");
            r.integer(s.groupCount());
            field(r, "first-entry");
            edgeEntry(r, s, false);
            field(r, "last-entry");
            edgeEntry(r, s, true);
            return;
        }
        field(r, "entries");
        StreamCommands.entries(r, s.list(StreamId.MIN, StreamId.MAX, false, count));
        field(r, "groups");
        for (Map.Entry<byte[], StreamGroup> ge : groupList(r, s)) {
            StreamGroup g = ge.getValue();
            r.map(7);
            field(r, "name");
            r.bulk(ge.getKey());
            progress(r, s, g);
            field(r, "pel-count");
            r.integer(g.pel.size());
            field(r, "pending");
            List<Map.Entry<StreamId, StreamNack>> pel = limited(g.pel, count);
            r.array(pel.size());
            for (Map.Entry<StreamId, StreamNack> e : pel) {
                r.array(4);
                StreamCommands.id(r, e.getKey());
                r.bulk(e.getValue().consumer.name);
                r.integer(e.getValue().deliveryTime);
                r.integer(e.getValue().deliveryCount);
            }
            field(r, "consumers");
            r.array(g.consumers.size());
            for (StreamConsumer sc : g.consumers.values()) {
                r.map(4);
                field(r, "name");
                r.bulk(sc.name);
                field(r, "seen-time");
                r.integer(sc.seenTime);
                field(r, "pel-count");
                r.integer(sc.pel.size());
                field(r, "pending");
                List<Map.Entry<StreamId, StreamNack>> cp = limited(sc.pel, count);
                r.array(cp.size());
                for (Map.Entry<StreamId, StreamNack> e : cp) {
                    r.array(3);
                    StreamCommands.id(r, e.getKey());
                    r.integer(e.getValue().deliveryTime);
                    r.integer(e.getValue().deliveryCount);
                }
            }
        }
    }

    private static List<Map.Entry<StreamId, StreamNack>> limited(Map<StreamId, StreamNack> pel, long count) {
        return pel.entrySet().stream().limit(count == 0 ? Long.MAX_VALUE : count).toList();
    }

    private static void edgeEntry(Reply r, StreamValue s, boolean last) {
        List<StreamEntry> one = s.list(StreamId.MIN, StreamId.MAX, last, 1);
        if (one.isEmpty()) {
            r.nullBulk();
        } else {
            StreamCommands.entry(r, one.get(0));
        }
    }

    /** The array header of a stream's groups, and the groups to describe. */
    private static Iterable<Map.Entry<byte[], StreamGroup>> groupList(Reply r, StreamValue s) {
        r.array(s.groupCount());
        return s.groupCount() == 0 ? List.of() : s.groups().entrySet();
    }

    /** last-delivered-id, entries-read and lag: where the group stands. */
    private static void progress(Reply r, StreamValue s, StreamGroup g) {
        field(r, "last-delivered-id");
        StreamCommands.id(r, g.lastId);
        field(r, "entries-read");
        nullableInteger(r, g.entriesRead != StreamGroup.INVALID_ENTRIES_READ ? g.entriesRead : null);
        field(r, "lag");
        nullableInteger(r, s.lag(g));
    }

    private static void nullableInteger(Reply r, Long v) {
        if (v == null) {
            r.nullBulk();
        } else {
            r.integer(v);
        }
    }

    static void groups(CommandContext c) {
        StreamValue s = existing(c);
        Reply r = c.reply;
        for (Map.Entry<byte[], StreamGroup> ge : groupList(r, s)) {
            StreamGroup g = ge.getValue();
            r.map(6);
            field(r, "name");
            r.bulk(ge.getKey());
            field(r, "consumers");
            r.integer(g.consumers.size());
            field(r, "pending");
            r.integer(g.pel.size());
            progress(r, s, g);
        }
    }

    static void consumers(CommandContext c) {
        StreamValue s = existing(c);
        StreamGroup g = s.group(c.arg(3));
        if (g == null) {
            throw new RedisException("NOGROUP No such consumer group '" + Bytes.latin1(c.arg(3))
                    + "' for key name '" + Bytes.latin1(c.arg(2)) + "'");
        }
        long now = c.now();
        Reply r = c.reply;
        r.array(g.consumers.size());
        for (StreamConsumer sc : g.consumers.values()) {
            r.map(3);
            field(r, "name");
            r.bulk(sc.name);
            field(r, "pending");
            r.integer(sc.pel.size());
            field(r, "idle");
            r.integer(Math.max(0, now - sc.seenTime));
        }
    }
}

package io.redmesh.node.persist.rdb;

import io.redmesh.node.db.stream.StreamConsumer;
import io.redmesh.node.db.stream.StreamGroup;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.db.stream.StreamNack;
import io.redmesh.node.db.stream.StreamNode;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Int64Strings;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Streams in RDB as Redis 7.0 writes them (rdbSaveObject, OBJ_STREAM): RDB_TYPE_STREAM_LISTPACKS_2
 * (19), and read back from it or from 5.0-6.2's RDB_TYPE_STREAM_LISTPACKS (15).
 *
 * <pre>
 * nodes: len, then per node its 16-byte master ID (raw string) and its listpack (string)
 * length, last-id ms, seq, [first-id ms, seq, max-deleted-id ms, seq, entries-added]   (19 only)
 * groups: len, per group: name, last-id ms, seq, [entries-read (19)],
 *         PEL: len, per entry 16-byte id, delivery time (ms, 8 bytes LE), delivery count
 *         consumers: len, per consumer: name, seen time (ms, 8 bytes LE), PEL: len, 16-byte ids
 * </pre>
 * Every listpack is checked entry by entry before it is used (Redis's deep sanitization of
 * stream listpacks), so a corrupt payload is refused rather than half loaded.
 */
final class StreamRdb {
    private StreamRdb() {}

    static void write(RdbOutput o, StreamValue s) throws IOException {
        o.writeLen(s.nodeCount());
        for (Map.Entry<StreamId, StreamNode> e : s.nodeEntries()) {
            o.writeString(e.getKey().encode());
            o.writeString(e.getValue().bytes());
        }
        o.writeLen(s.length);
        writeId(o, s.lastId);
        writeId(o, s.firstId);
        writeId(o, s.maxDeletedId);
        o.writeLen(s.entriesAdded);
        o.writeLen(s.groupCount());
        if (s.groupCount() == 0) {
            return;
        }
        for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            StreamGroup g = ge.getValue();
            o.writeString(ge.getKey());
            writeId(o, g.lastId);
            o.writeLen(g.entriesRead);
            o.writeLen(g.pel.size());
            for (Map.Entry<StreamId, StreamNack> n : g.pel.entrySet()) {
                byte[] raw = n.getKey().encode();
                o.write(raw, 0, raw.length);
                o.writeLongLE(n.getValue().deliveryTime);
                o.writeLen(n.getValue().deliveryCount);
            }
            o.writeLen(g.consumers.size());
            for (StreamConsumer c : g.consumers.values()) {
                o.writeString(c.name);
                o.writeLongLE(c.seenTime);
                o.writeLen(c.pel.size());
                for (StreamId id : c.pel.keySet()) {
                    byte[] raw = id.encode();
                    o.write(raw, 0, raw.length);
                }
            }
        }
    }

    private static void writeId(RdbOutput o, StreamId id) throws IOException {
        o.writeLen(id.ms());
        o.writeLen(id.seq());
    }

    private static StreamId readId(RdbInput in) throws IOException {
        return new StreamId(in.readLenUnsigned(), in.readLenUnsigned());
    }

    private static StreamId rawId(RdbInput in) throws IOException {
        return StreamId.decode(in.readBytes(16), 0);
    }

    private static RdbFormatException bad(String what) {
        return new RdbFormatException("stream: " + what);
    }

    static StreamValue read(RdbInput in, int type) throws IOException {
        StreamValue s = new StreamValue();
        long nodes = in.readPlainLen();
        StreamId prev = null;
        for (long i = 0; i < nodes; i++) {
            byte[] key = in.readString();
            if (key.length != 16) {
                throw bad("node key is not a 128 bit ID");
            }
            byte[] lp = in.readString();
            StreamId master = StreamId.decode(key, 0);
            validate(lp, master);
            if (prev != null && master.compareTo(prev) <= 0) {
                throw bad("nodes out of order");
            }
            prev = master;
            s.loadNode(master, StreamNode.of(lp));
        }
        s.length = in.readPlainLen();
        s.lastId = readId(in);
        if (type == Rdb.TYPE_STREAM_LISTPACKS_2) {
            s.firstId = readId(in);
            s.maxDeletedId = readId(in);
            s.entriesAdded = in.readLenUnsigned();
        } else {
            StreamId first = s.edge(true, false);
            s.firstId = first == null ? StreamId.MIN : first;
            s.entriesAdded = s.length;
        }
        long groups = in.readPlainLen();
        for (long i = 0; i < groups; i++) {
            byte[] name = in.readString();
            StreamId last = readId(in);
            long entriesRead = type == Rdb.TYPE_STREAM_LISTPACKS_2 ? in.readLenUnsigned() : s.estimateDistance(last);
            StreamGroup g = new StreamGroup(last, entriesRead);
            if (s.groups().putIfAbsent(name, g) != null) {
                throw bad("duplicated consumer group name");
            }
            long pel = in.readPlainLen();
            for (long j = 0; j < pel; j++) {
                StreamId id = rawId(in);
                long time = in.readLongLE();
                long count = in.readLenUnsigned();
                if (g.pel.put(id, new StreamNack(time, count, null)) != null) {
                    throw bad("duplicated global PEL entry");
                }
            }
            long consumers = in.readPlainLen();
            for (long j = 0; j < consumers; j++) {
                byte[] cname = in.readString();
                StreamConsumer c = g.createConsumer(cname, in.readLongLE());
                if (c == null) {
                    throw bad("duplicated consumer name");
                }
                long cpel = in.readPlainLen();
                for (long k = 0; k < cpel; k++) {
                    StreamId id = rawId(in);
                    StreamNack n = g.pel.get(id);
                    if (n == null || n.consumer != null) {
                        throw bad("consumer PEL entry not in the group PEL");
                    }
                    n.consumer = c;
                    c.pel.put(id, n);
                }
            }
            for (StreamNack n : g.pel.values()) {
                if (n.consumer == null) {
                    throw bad("group PEL entry without a consumer");
                }
            }
        }
        return s;
    }

    /**
     * streamValidateListpackIntegrity: the master entry, then every entry with its flags, ID
     * deltas, fields and lp-count, and as many entries as the master entry counts.
     */
    static void validate(byte[] lp, StreamId master) {
        List<byte[]> e = CompactDecoder.listpack(lp);
        if (e.isEmpty()) {
            throw bad("empty listpack inside stream");
        }
        int p = 0;
        long count = num(e, p++);
        long deleted = num(e, p++);
        long masterFields = num(e, p++);
        if (masterFields < 0 || p + masterFields >= e.size()) {
            throw bad("master entry out of range");
        }
        p += (int) masterFields;
        if (num(e, p++) != 0) {
            throw bad("master entry without its terminator");
        }
        long seen = 0;
        long live = 0;
        while (p < e.size()) {
            long flags = num(e, p++);
            num(e, p++);
            num(e, p++);
            long fields;
            long items;
            if ((flags & 2) != 0) {
                fields = masterFields;
                items = fields;
            } else {
                fields = num(e, p++);
                items = fields * 2;
            }
            if (fields < 0 || p + items >= e.size()) {
                throw bad("entry out of range");
            }
            p += (int) items;
            long lpCount = num(e, p++);
            long want = (flags & 2) != 0 ? fields + 3 : fields * 2 + 4;
            if (lpCount != want) {
                throw bad("entry with a wrong lp-count");
            }
            seen++;
            if ((flags & 1) == 0) {
                live++;
            }
        }
        if (seen != count + deleted || live != count || count == 0) {
            throw bad("master entry counts disagree with the entries");
        }
        if (master == null) {
            throw bad("node without a master ID");
        }
    }

    private static long num(List<byte[]> e, int i) {
        if (i >= e.size()) {
            throw bad("listpack ends inside an entry");
        }
        byte[] b = e.get(i);
        long v = Int64Strings.parse(b, 0, b.length);
        if (!Int64Strings.isInt(v, b, 0, b.length)) {
            throw bad("expected an integer, got " + Bytes.latin1(b));
        }
        return v;
    }
}

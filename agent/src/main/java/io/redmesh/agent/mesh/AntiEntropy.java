package io.redmesh.agent.mesh;

import io.redmesh.agent.record.RecordCodec;
import io.redmesh.agent.record.RecordFormatException;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.agent.record.Version;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages and decisions of one anti-entropy round between a requester A and a peer B
 * (transport-free; {@link Mesh} sends the bytes):
 *
 * <ol>
 *   <li>A -> B digest request: {@code u8 1 | u8 n | (u8 kind | 32-byte SHA-256 digest)*};
 *       B answers the kinds whose digest differs: {@code u8 n | u8 kind*}. Equal state costs
 *       one small round trip.</li>
 *   <li>A -> B summary of those kinds: {@code u8 1 | u8 flags | u32 n | entry*}, entry =
 *       {@code u8 kind | u16 keyLen | key | i64 hlc | u8 originLen | origin}; flags bit 0: A never
 *       completed a sync ("fresh"). B answers {@code u8 1 | u8 flags | u32 len | record batch |
 *       u32 n | (u8 kind | u16 keyLen | key | u8 absent)*}: the records A lacks or holds older,
 *       and the keys B wants (A newer, or B lacks them: absent = 1).</li>
 *   <li>A pushes the wanted records to B like a publish.</li>
 * </ol>
 *
 * The long-partition rule of {@link RecordStore}: a member that is stale (it had synced before,
 * but not for longer than the tombstone TTL) never sends a record older than the TTL to a
 * non-fresh peer that lacks it; it forgets it instead (its delete may have been collected).
 */
final class AntiEntropy {
    private static final int FORMAT = 1;

    /** Where remote records go (verified, merged, counted by the mesh). */
    interface Sink {
        void accept(byte[] encodedRecord, String from);
    }

    /** What A must do after B's summary answer. */
    record Outcome(int received, List<byte[]> toPush, int forgotten) {}

    private final RecordStore store;

    AntiEntropy(RecordStore store) {
        this.store = store;
    }

    // ------------------------------------------------------------------ step 1: digests

    byte[] digestRequest() {
        ByteBuffer b = ByteBuffer.allocate(2 + RecordKind.values().length * 33);
        b.put((byte) FORMAT).put((byte) RecordKind.values().length);
        for (RecordKind k : RecordKind.values()) {
            b.put((byte) k.code()).put(HexFormat.of().parseHex(store.digest(k)));
        }
        return b.array();
    }

    /** B's side: the kinds whose digests differ from ours (unknown kinds are ignored). */
    byte[] onDigestRequest(byte[] req) throws RecordFormatException {
        ByteBuffer in = ByteBuffer.wrap(req);
        try {
            format(in);
            int n = in.get() & 0xff;
            Set<RecordKind> differ = EnumSet.noneOf(RecordKind.class);
            Set<RecordKind> seen = EnumSet.noneOf(RecordKind.class);
            for (int i = 0; i < n; i++) {
                RecordKind k = RecordKind.ofCode(in.get() & 0xff);
                byte[] d = new byte[32];
                in.get(d);
                if (k != null) {
                    seen.add(k);
                    if (!HexFormat.of().formatHex(d).equals(store.digest(k))) {
                        differ.add(k);
                    }
                }
            }
            for (RecordKind k : RecordKind.values()) {
                if (!seen.contains(k) && store.size(k) > 0) {
                    differ.add(k);
                }
            }
            end(in);
            return kinds(differ);
        } catch (BufferUnderflowException e) {
            throw new RecordFormatException("truncated digest request");
        }
    }

    static Set<RecordKind> parseKinds(byte[] reply) throws RecordFormatException {
        ByteBuffer in = ByteBuffer.wrap(reply);
        try {
            int n = in.get() & 0xff;
            Set<RecordKind> out = EnumSet.noneOf(RecordKind.class);
            for (int i = 0; i < n; i++) {
                RecordKind k = RecordKind.ofCode(in.get() & 0xff);
                if (k != null) {
                    out.add(k);
                }
            }
            end(in);
            return out;
        } catch (BufferUnderflowException e) {
            throw new RecordFormatException("truncated digest answer");
        }
    }

    // ------------------------------------------------------------------ step 2: summaries

    byte[] summaryRequest(Set<RecordKind> kinds, boolean fresh) {
        List<RecordStore.Entry> entries = new ArrayList<>();
        for (RecordKind k : kinds) {
            entries.addAll(store.summary(k));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + entries.size() * 32);
        DataOutputStream o = new DataOutputStream(bytes);
        try {
            o.writeByte(FORMAT);
            o.writeByte(fresh ? 1 : 0);
            o.writeByte(kinds.size());
            for (RecordKind k : kinds) {
                o.writeByte(k.code());
            }
            o.writeInt(entries.size());
            for (RecordStore.Entry e : entries) {
                writeKey(o, e.kind(), e.key());
                o.writeLong(e.version().hlc());
                byte[] origin = e.version().origin().getBytes(StandardCharsets.UTF_8);
                o.writeByte(origin.length);
                o.write(origin);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** B's side: records A should have, keys B wants; applies the long-partition rule for B. */
    byte[] onSummaryRequest(byte[] req, boolean stale, boolean fresh) throws RecordFormatException {
        ByteBuffer in = ByteBuffer.wrap(req);
        Map<KindKey, Version> theirs = new HashMap<>();
        Set<RecordKind> kinds = EnumSet.noneOf(RecordKind.class);
        boolean peerFresh;
        try {
            format(in);
            peerFresh = (in.get() & 1) != 0;
            int nk = in.get() & 0xff;
            for (int i = 0; i < nk; i++) {
                RecordKind k = RecordKind.ofCode(in.get() & 0xff);
                if (k != null) {
                    kinds.add(k);
                }
            }
            int n = count(in);
            for (int i = 0; i < n; i++) {
                KindKey kk = readKey(in);
                long hlc = in.getLong();
                String origin = string(in, in.get() & 0xff);
                if (kk.kind != null) {
                    theirs.put(kk, new Version(hlc, origin));
                }
            }
            end(in);
        } catch (BufferUnderflowException e) {
            throw new RecordFormatException("truncated summary");
        }
        List<byte[]> send = new ArrayList<>();
        List<KindKey> want = new ArrayList<>();
        List<Boolean> absent = new ArrayList<>();
        long horizon = store.horizonMillis();
        for (RecordKind k : kinds) {
            for (SignedRecord s : store.entries(k)) {
                KindKey kk = new KindKey(k, s.key());
                Version v = theirs.remove(kk);
                if (v == null) {
                    if (stale && !peerFresh && s.version().physicalMillis() < horizon) {
                        store.forget(k, s.key(), s.version());
                    } else {
                        send.add(s.encode());
                    }
                } else if (s.version().newerThan(v)) {
                    send.add(s.encode());
                } else if (v.newerThan(s.version())) {
                    want.add(kk);
                    absent.add(false);
                }
            }
        }
        for (KindKey kk : theirs.keySet()) {
            if (kinds.contains(kk.kind)) {
                want.add(kk);
                absent.add(true);
            }
        }
        byte[] batch = RecordCodec.encodeBatch(send);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.length + 16 + want.size() * 16);
        DataOutputStream o = new DataOutputStream(bytes);
        try {
            o.writeByte(FORMAT);
            o.writeByte(fresh ? 1 : 0);
            o.writeInt(batch.length);
            o.write(batch);
            o.writeInt(want.size());
            for (int i = 0; i < want.size(); i++) {
                writeKey(o, want.get(i).kind, want.get(i).key);
                o.writeByte(absent.get(i) ? 1 : 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A's side: merges B's records through the sink, returns what to push back. */
    Outcome onSummaryReply(byte[] reply, boolean stale, Sink sink, String from) throws RecordFormatException {
        ByteBuffer in = ByteBuffer.wrap(reply);
        List<byte[]> records;
        List<KindKey> want = new ArrayList<>();
        List<Boolean> absent = new ArrayList<>();
        boolean peerFresh;
        try {
            format(in);
            peerFresh = (in.get() & 1) != 0;
            int len = in.getInt();
            if (len < 0 || len > in.remaining()) {
                throw new RecordFormatException("truncated summary answer");
            }
            byte[] batch = new byte[len];
            in.get(batch);
            records = RecordCodec.decodeBatch(batch);
            int n = count(in);
            for (int i = 0; i < n; i++) {
                want.add(readKey(in));
                absent.add(in.get() != 0);
            }
            end(in);
        } catch (BufferUnderflowException e) {
            throw new RecordFormatException("truncated summary answer");
        }
        for (byte[] r : records) {
            sink.accept(r, from);
        }
        List<byte[]> push = new ArrayList<>();
        int forgotten = 0;
        long horizon = store.horizonMillis();
        for (int i = 0; i < want.size(); i++) {
            KindKey kk = want.get(i);
            if (kk.kind == null) {
                continue;
            }
            SignedRecord s = store.get(kk.kind, kk.key);
            if (s == null) {
                continue;
            }
            if (absent.get(i) && stale && !peerFresh && s.version().physicalMillis() < horizon) {
                forgotten += store.forget(kk.kind, kk.key, s.version()) ? 1 : 0;
            } else {
                push.add(s.encode());
            }
        }
        return new Outcome(records.size(), push, forgotten);
    }

    /** A well-formed answer with nothing in it (to a malformed request). */
    static byte[] emptySummaryReply() {
        byte[] batch = RecordCodec.encodeBatch(List.of());
        return ByteBuffer.allocate(2 + 4 + batch.length + 4).put((byte) FORMAT).put((byte) 0)
                .putInt(batch.length).put(batch).putInt(0).array();
    }

    // ------------------------------------------------------------------ bits

    private record KindKey(RecordKind kind, String key) {}

    private static byte[] kinds(Set<RecordKind> kinds) {
        ByteBuffer b = ByteBuffer.allocate(1 + kinds.size());
        b.put((byte) kinds.size());
        for (RecordKind k : kinds) {
            b.put((byte) k.code());
        }
        return b.array();
    }

    private static void writeKey(DataOutputStream o, RecordKind kind, String key) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        o.writeByte(kind.code());
        o.writeShort(k.length);
        o.write(k);
    }

    private static KindKey readKey(ByteBuffer in) throws RecordFormatException {
        RecordKind kind = RecordKind.ofCode(in.get() & 0xff);
        int len = in.getShort() & 0xffff;
        if (len > RecordCodec.MAX_KEY_BYTES) {
            throw new RecordFormatException("key too long");
        }
        return new KindKey(kind, string(in, len));
    }

    private static String string(ByteBuffer in, int len) throws RecordFormatException {
        if (len > in.remaining()) {
            throw new RecordFormatException("truncated string");
        }
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(ByteBuffer in) throws RecordFormatException {
        int n = in.getInt();
        if (n < 0 || n > RecordCodec.MAX_BATCH) {
            throw new RecordFormatException("bad count " + n);
        }
        return n;
    }

    private static void format(ByteBuffer in) throws RecordFormatException {
        int f = in.get() & 0xff;
        if (f != FORMAT) {
            throw new RecordFormatException("unknown anti-entropy format " + f);
        }
    }

    private static void end(ByteBuffer in) throws RecordFormatException {
        if (in.hasRemaining()) {
            throw new RecordFormatException("trailing bytes");
        }
    }
}

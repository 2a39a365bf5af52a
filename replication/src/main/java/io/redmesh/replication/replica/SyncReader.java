package io.redmesh.replication.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmesh.node.spi.link.RawStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a master sends after PSYNC, as Redis's replica does (slaveTryPartialResynchronization
 * and readSyncBulkPayload): newlines a master sends to keep the link alive while it prepares, the
 * PSYNC reply (+FULLRESYNC replid offset, +CONTINUE [replid], or an error), the RDB payload framed
 * by "$&lt;length&gt;" or "$EOF:&lt;40-byte mark&gt;" (the payload then ends with the mark), and then
 * the command stream. Runs on the link's event loop; lines are bounded.
 */
final class SyncReader implements RawStream {
    static final int MARK_LEN = 40;
    private static final int MAX_LINE = 1024;

    /** What the reader found, in order. */
    interface Events {
        void fullResync(String replid, long offset);

        void continued(String newReplid);

        /** Dual channel: the RDB comes on a second connection; a second PSYNC reply follows here. */
        default void rdbChannel() {
        }

        /** Dual channel, on the RDB connection: the RDB's offset, replication id and stream db. */
        default void endOffset(long offset, String replid, int db) {
        }

        /** The master refused PSYNC (an error line); the link must be dropped. */
        void refused(String line);

        /** A payload starts: its length, or -1 when it ends with a mark. */
        void bulkStart(long length);

        /** Payload bytes: consume exactly {@code len} from {@code data}. */
        void bulkData(ByteBuf data, int len);

        /** The payload ended; what follows is the stream. */
        void bulkEnd();

        /** Stream bytes (consume them all). */
        void stream(ByteBuf data);

        /** The master sent something that is not the protocol. */
        void protocolError(String what);

        /** A newline the master sends while it prepares the payload: it is alive. */
        default void keepalive() {
        }
    }

    private enum Mode { PSYNC_REPLY, BULK_HEADER, BULK, STREAM, DONE }

    private final Events events;
    private Mode mode = Mode.PSYNC_REPLY;
    private final ByteBuf line = Unpooled.buffer(64);
    private long bulkLeft;
    private byte[] eofMark;
    /** The last bytes of an EOF-framed payload, held back until we know they are not the mark. */
    private final ByteBuf tail = Unpooled.buffer(2 * MARK_LEN);

    SyncReader(Events events) {
        this.events = events;
    }

    /** On a dual-channel RDB connection: "$ENDOFF:..." then the payload, no PSYNC reply. */
    SyncReader payloadOnly() {
        mode = Mode.BULK_HEADER;
        return this;
    }

    /** Stops delivering anything (the link is being dropped). */
    void stop() {
        mode = Mode.DONE;
    }

    @Override
    public void data(ByteBuf in) {
        while (in.isReadable()) {
            switch (mode) {
                case PSYNC_REPLY, BULK_HEADER -> {
                    String l = readLine(in);
                    if (l == null) {
                        return;
                    }
                    if (l.isEmpty()) {
                        events.keepalive();
                        continue;
                    }
                    if (mode == Mode.PSYNC_REPLY) {
                        psyncReply(l);
                    } else {
                        bulkHeader(l);
                    }
                }
                case BULK -> bulk(in);
                case STREAM -> {
                    events.stream(in);
                    return;
                }
                default -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private void psyncReply(String l) {
        if (l.startsWith("+FULLRESYNC")) {
            String[] w = l.split(" ");
            if (w.length < 3) {
                events.protocolError("bad +FULLRESYNC reply: " + l);
                mode = Mode.DONE;
                return;
            }
            long off;
            try {
                off = Long.parseLong(w[2]);
            } catch (NumberFormatException e) {
                off = -1;
            }
            if (off < 0 || !io.redmesh.replication.ReplicationIds.wellFormed(w[1])) {
                // Redis 7.0 goes on with a zeroed id here; an id or offset we cannot continue
                // from would be recorded in our RDBs and offered to our replicas, so we refuse
                events.protocolError("Master replied with wrong +FULLRESYNC syntax: " + l);
                mode = Mode.DONE;
                return;
            }
            mode = Mode.BULK_HEADER;
            events.fullResync(w[1], off);
        } else if (l.equals("+RDBCHANNELSYNC")) {
            events.rdbChannel(); // the next reply (to our second PSYNC) comes on this link too
        } else if (l.startsWith("+CONTINUE")) {
            String id = l.length() > 10 ? l.substring(10).trim() : null;
            mode = Mode.STREAM;
            events.continued(io.redmesh.replication.ReplicationIds.wellFormed(id) ? id : null);
        } else {
            mode = Mode.DONE;
            events.refused(l.startsWith("-") ? l.substring(1) : l);
        }
    }

    private void bulkHeader(String l) {
        if (l.startsWith("-")) {
            mode = Mode.DONE;
            events.refused(l.substring(1));
            return;
        }
        if (l.startsWith("$ENDOFF:")) {
            String[] w = l.substring(8).split(" ");
            try {
                long offset = Long.parseLong(w[0]);
                int db = w.length > 2 ? Integer.parseInt(w[2]) : 0;
                if (offset < 0 || db < 0 || !io.redmesh.replication.ReplicationIds.wellFormed(w[1])) {
                    throw new IllegalArgumentException(l);
                }
                events.endOffset(offset, w[1], db);
            } catch (RuntimeException e) {
                mode = Mode.DONE;
                events.protocolError("bad $ENDOFF line from MASTER: " + l);
            }
            return;
        }
        if (!l.startsWith("$")) {
            mode = Mode.DONE;
            events.protocolError("Bad protocol from MASTER, the first byte is not '$' (we received '" + l + "'), "
                    + "are you sure the host and port are right?");
            return;
        }
        if (l.startsWith("$EOF:") && l.length() != 5 + MARK_LEN) {
            mode = Mode.DONE;
            events.protocolError("bad EOF mark from MASTER (" + (l.length() - 5) + " bytes, not " + MARK_LEN + "): " + l);
            return;
        }
        if (l.startsWith("$EOF:")) {
            eofMark = l.substring(5, 5 + MARK_LEN).getBytes(StandardCharsets.ISO_8859_1);
            bulkLeft = -1;
            mode = Mode.BULK;
            events.bulkStart(-1);
            return;
        }
        try {
            bulkLeft = Long.parseLong(l.substring(1));
        } catch (NumberFormatException e) {
            bulkLeft = -1;
        }
        if (bulkLeft < 0) {
            mode = Mode.DONE;
            events.protocolError("bad payload length from MASTER: " + l);
            return;
        }
        mode = Mode.BULK;
        events.bulkStart(bulkLeft);
        if (bulkLeft == 0) {
            endBulk();
        }
    }

    private void bulk(ByteBuf in) {
        if (eofMark == null) {
            int n = (int) Math.min(bulkLeft, in.readableBytes());
            events.bulkData(in, n);
            bulkLeft -= n;
            if (bulkLeft == 0) {
                endBulk();
            }
            return;
        }
        // EOF framing: all but the last MARK_LEN bytes seen are payload; the payload ends when
        // the last MARK_LEN bytes of a read are the mark (the master sends nothing after it
        // before our first ACK, so the mark always ends a read).
        tail.writeBytes(in);
        if (tail.readableBytes() >= MARK_LEN && endsWithMark(tail)) {
            int payload = tail.readableBytes() - MARK_LEN;
            events.bulkData(tail, payload);
            tail.clear();
            endBulk();
            return;
        }
        int payload = tail.readableBytes() - MARK_LEN;
        if (payload > 0) {
            events.bulkData(tail, payload);
        }
        tail.discardReadBytes();
    }

    private boolean endsWithMark(ByteBuf b) {
        int from = b.writerIndex() - MARK_LEN;
        for (int i = 0; i < MARK_LEN; i++) {
            if (b.getByte(from + i) != eofMark[i]) {
                return false;
            }
        }
        return true;
    }

    private void endBulk() {
        mode = Mode.STREAM;
        events.bulkEnd();
    }

    /** A line without its "\r\n" (or "\n"), consumed; null while incomplete (kept for the next read). */
    private String readLine(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.readByte();
            if (b == '\n') {
                int len = line.readableBytes();
                if (len > 0 && line.getByte(line.writerIndex() - 1) == '\r') {
                    len--;
                }
                String s = line.toString(line.readerIndex(), len, StandardCharsets.ISO_8859_1);
                line.clear();
                return s;
            }
            if (line.readableBytes() >= MAX_LINE) {
                mode = Mode.DONE;
                events.protocolError("reply line from MASTER longer than " + MAX_LINE + " bytes");
                in.skipBytes(in.readableBytes());
                return null;
            }
            line.writeByte(b);
        }
        return null;
    }
}

package io.redmesh.node.spi.link;

import io.netty.buffer.ByteBuf;

/** Receives a link's bytes as they arrive, unparsed (a PSYNC reply, an RDB, the command stream). */
@FunctionalInterface
public interface RawStream {
    /** Bytes read, on the link's event loop; valid during the call (consume or copy them). */
    void data(ByteBuf bytes);
}

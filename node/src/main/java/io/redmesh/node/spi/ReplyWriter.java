package io.redmesh.node.spi;

/**
 * Writes a command's reply in the client's protocol (RESP2 or RESP3), for commands a module
 * implements. Error lines carry their own code ("ERR ...", "NOREPLICAS ..."), without the '-'.
 */
public interface ReplyWriter {
    void ok();

    void simple(String text);

    void error(String line);

    void integer(long value);

    void bulk(byte[] value);

    void bulk(String value);

    void nullBulk();

    /** A null array: {@code *-1} in RESP2, {@code _} in RESP3 (SENTINEL GET-MASTER-ADDR-BY-NAME of no master). */
    void nullArray();

    /** An array header; the caller writes {@code n} elements after it. */
    void array(long n);

    /** A map header (RESP3) or an array of 2n elements (RESP2). */
    void map(long n);

    /** A verbatim string (RESP3) or a bulk string (RESP2), as INFO replies. */
    void verbatim(String text);
}

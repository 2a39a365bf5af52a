package io.redmesh.node.command;

import io.redmesh.node.resp.Reply;
import io.redmesh.node.spi.ReplyWriter;

/** A module's view of a reply buffer ({@link ReplyWriter} over {@link Reply}). */
final class ReplyAdapter implements ReplyWriter {
    private final Reply r;

    ReplyAdapter(Reply r) {
        this.r = r;
    }

    @Override
    public void ok() {
        r.ok();
    }

    @Override
    public void simple(String text) {
        r.simple(text);
    }

    @Override
    public void error(String line) {
        r.error(line);
    }

    @Override
    public void integer(long value) {
        r.integer(value);
    }

    @Override
    public void bulk(byte[] value) {
        r.bulk(value);
    }

    @Override
    public void bulk(String value) {
        r.bulk(value);
    }

    @Override
    public void nullBulk() {
        r.nullBulk();
    }

    @Override
    public void nullArray() {
        r.nullArray();
    }

    @Override
    public void array(long n) {
        r.array(n);
    }

    @Override
    public void map(long n) {
        r.map(n);
    }

    @Override
    public void verbatim(String text) {
        r.verbatim(text);
    }
}

package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.RedisException;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG PROTOCOL type: one test value of each RESP type, as Redis 7.0 sends it (client libraries'
 * test suites read these to check their RESP3 parsers). In RESP2 each falls back as Redis's
 * reply functions fall back; push alone has no RESP2 form and is an error.
 */
final class DebugProtocol {
    private DebugProtocol() {}

    static void reply(CommandContext c, String type) {
        Reply r = c.reply;
        switch (type) {
            case "string" -> r.bulk("Hello World");
            case "integer" -> r.integer(12345);
            case "double" -> r.dbl(3.141);
            case "bignum" -> {
                String n = "1234567999999999999999999999999999999";
                if (r.resp3()) {
                    r.raw(("(" + n + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } else {
                    r.bulk(n);
                }
            }
            case "null" -> r.nullBulk();
            case "array" -> {
                r.array(3);
                for (int j = 0; j < 3; j++) {
                    r.integer(j);
                }
            }
            case "set" -> {
                r.set(3);
                for (int j = 0; j < 3; j++) {
                    r.integer(j);
                }
            }
            case "map" -> {
                r.map(3);
                for (int j = 0; j < 3; j++) {
                    r.integer(j);
                    r.bool(j == 1);
                }
            }
            case "attrib" -> {
                if (r.resp3()) {
                    r.raw("|1\r\n".getBytes(StandardCharsets.US_ASCII));
                    r.bulk("key-popularity");
                    r.array(2);
                    r.bulk("key:123");
                    r.integer(90);
                }
                // an attribute is not a reply: a real one follows
                r.bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (!r.resp3()) {
                    throw RedisException.err("RESP2 is not supported by this command");
                }
                r.push(2);
                r.bulk("server-cpu-usage");
                r.integer(42);
                // a push is not the command's reply: a normal one follows for clients waiting on it
                r.bulk("Some real reply following the push reply");
            }
            case "true" -> r.bool(true);
            case "false" -> r.bool(false);
            case "verbatim" -> r.verbatim("This is a verbatim\nstring");
            default -> throw RedisException.err("Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }
}

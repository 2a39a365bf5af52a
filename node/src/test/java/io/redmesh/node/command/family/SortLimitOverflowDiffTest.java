package io.redmesh.node.command.family;

import org.junit.jupiter.api.Test;

/**
 * SORT's LIMIT where offset + count overflows a long with an offset inside the collection
 * (offset 2 and above, count near Long.MAX_VALUE). 7.0.8+ clamps both to the collection's size
 * before adding them; without the clamp the end index wraps negative, the reply announces
 * 2^63-1 elements and sends none, and STORE writes an empty list.
 */
class SortLimitOverflowDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[0];
    }

    @Test
    void offsetInsideTheListWithAHugeCount() {
        bothProtocols(() -> d.sameAll(
                "RPUSH l 0 1 2 3 4 5 6 7 8 9",
                "ZADD z 0 a 1 b 2 c 3 d 4 e",
                "SORT l LIMIT 2 9223372036854775807",
                "SORT l LIMIT 5 9223372036854775806",
                "SORT l BY nosort LIMIT 2 9223372036854775807",
                "SORT l BY nosort DESC LIMIT 3 9223372036854775807",
                "SORT z BY nosort LIMIT 2 9223372036854775807",
                "SORT l LIMIT 3 9223372036854775807 GET # GET #",
                "SORT l LIMIT 2 9223372036854775807 STORE dst",
                "LRANGE dst 0 -1",
                "SORT l LIMIT 4611686018427387904 4611686018427387904",
                "PING"));
    }
}

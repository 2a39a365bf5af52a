package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the geo commands hand to replicas and the AOF: GEOADD as the ZADD of geohash scores it
 * runs (as Redis's replaceClientCommandVector), a GEOADD that changed nothing not at all, and
 * the searches that store as sent (a replica searches the same data).
 */
class GeoPropagationTest {
    @Test
    void geoaddPropagatesAsZaddAndStoringSearchesAsSent() {
        List<String> seen;
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            seen = WriteLog.record(s, false);
            c.call("GEOADD", "g", "CH", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
            c.call("GEOADD", "g", "NX", "1", "1", "Palermo");
            c.call("GEORADIUS_RO", "g", "15", "37", "200", "km");
            c.call("GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "10", "km");
        }
        assertEquals(List.of(
                "zadd g CH 3479099956230698 Palermo 3479447370796909 Catania",
                "GEOSEARCHSTORE d g FROMMEMBER Palermo BYRADIUS 10 km"), seen);
    }
}

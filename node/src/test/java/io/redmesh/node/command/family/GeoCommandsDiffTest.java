package io.redmesh.node.command.family;

import io.redmesh.node.testing.SeededRandom;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The geo family against Debian's redis-server 7.0.15, reply for reply, in RESP2 and RESP3:
 * GEOADD's scores (and its ZADD options), GEOPOS/GEOHASH/GEODIST output and rounding, every
 * search form with WITHDIST/WITHHASH/WITHCOORD, ASC/DESC, COUNT [ANY], STORE/STOREDIST, the
 * unsorted order (which follows the boxes Redis scans), the errors in Redis's order, and a
 * seeded random run of searches over random points.
 */
class GeoCommandsDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[0];
    }

    private static final String SICILY = "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania"
            + " 12.758489 38.788135 edge1 17.241510 38.788135 edge2 13.583333 37.316667 Agrigento";

    @Test
    void addPosHashDist() {
        bothProtocols(() -> d.sameAll(SICILY,
                "ZRANGE Sicily 0 -1 WITHSCORES", "GEOPOS Sicily Palermo Catania NonExisting", "GEOPOS nokey a b",
                "GEOPOS Sicily", "GEOHASH Sicily Palermo Catania nope", "GEOHASH nokey a", "GEOHASH Sicily",
                "GEODIST Sicily Palermo Catania", "GEODIST Sicily Palermo Catania km", "GEODIST Sicily Palermo Catania MI",
                "GEODIST Sicily Palermo Catania ft", "GEODIST Sicily Palermo Catania furlong",
                "GEODIST Sicily Palermo Catania km extra", "GEODIST Sicily Palermo nope", "GEODIST nokey a b",
                "GEODIST nokey a b parsec", "GEODIST Sicily Palermo Palermo",
                "GEOADD Sicily NX 13.361389 38.115556 Palermo 1 1 new", "GEOADD Sicily XX CH 1 2 Palermo 3 4 other",
                "GEOADD Sicily CH NX 5 6 Palermo", "GEOADD Sicily NX XX 1 1 a", "GEOADD Sicily 1 1", "GEOADD Sicily 1 1 a 2",
                "GEOADD Sicily NX CH", "GEOADD Sicily GT 1 1 a", "GEOADD Sicily 181 0 a", "GEOADD Sicily 0 85.06 a",
                "GEOADD Sicily -180 -85.05112878 corner", "GEOADD Sicily 180 85.05112878 corner2",
                "GEOPOS Sicily corner corner2", "GEOHASH Sicily corner corner2", "GEOADD Sicily x 1 a", "GEOADD Sicily 1 y a",
                "GEOADD Sicily inf 1 a", "GEOADD Sicily 1 nan a", "GEOADD Sicily 0 0 zero", "GEOPOS Sicily zero",
                "ZADD Sicily -5 neg 1e20 huge", "GEOPOS Sicily neg huge", "GEOHASH Sicily neg huge",
                "SET str v", "GEOADD str 1 1 a", "GEOPOS str a", "GEODIST str a b", "GEOHASH str a",
                "GEOADD", "GEOADD k 1 1"));
    }

    @Test
    void radiusAndSearchForms() {
        bothProtocols(() -> d.sameAll(SICILY,
                "GEORADIUS Sicily 15 37 200 km", "GEORADIUS Sicily 15 37 200 km WITHDIST",
                "GEORADIUS Sicily 15 37 200 km WITHCOORD", "GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH",
                "GEORADIUS Sicily 15 37 200 km ASC", "GEORADIUS Sicily 15 37 200 km DESC WITHDIST",
                "GEORADIUS Sicily 15 37 200 km COUNT 2", "GEORADIUS Sicily 15 37 200 km COUNT 2 DESC",
                "GEORADIUS Sicily 15 37 200 km COUNT 1 ANY", "GEORADIUS Sicily 15 37 500 km COUNT 3 ANY ASC",
                "GEORADIUS Sicily 15 37 1 m", "GEORADIUS Sicily 15 37 0 km", "GEORADIUS Sicily 15 37 5000 km",
                "GEORADIUS Sicily 15 37 200 mi", "GEORADIUS Sicily 15 37 200000 ft",
                "GEORADIUS_RO Sicily 15 37 200 km WITHDIST", "GEORADIUSBYMEMBER Sicily Agrigento 100 km",
                "GEORADIUSBYMEMBER Sicily Agrigento 100 km WITHDIST WITHCOORD",
                "GEORADIUSBYMEMBER_RO Sicily Palermo 300 km DESC", "GEORADIUSBYMEMBER Sicily nope 100 km",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC",
                "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km WITHDIST",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km", "GEOSEARCH Sicily FROMMEMBER Catania BYBOX 100 300 mi DESC",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 4000 4000 km COUNT 3",
                "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km", "ZRANGE dst 0 -1 WITHSCORES",
                "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST COUNT 2",
                "ZRANGE dst 0 -1 WITHSCORES", "OBJECT ENCODING dst",
                "GEORADIUS Sicily 15 37 200 km STORE dst2", "ZRANGE dst2 0 -1 WITHSCORES",
                "GEORADIUS Sicily 15 37 200 km STOREDIST dst2", "ZRANGE dst2 0 -1 WITHSCORES",
                "GEORADIUS Sicily 15 37 1 m STORE dst2", "EXISTS dst2",
                "GEOSEARCHSTORE dst nokey FROMLONLAT 15 37 BYRADIUS 200 km", "EXISTS dst",
                "GEORADIUS nokey 15 37 200 km", "GEORADIUS nokey 15 37 200 km STORE x",
                "GEORADIUSBYMEMBER nokey m 1 km", "GEORADIUSBYMEMBER nokey m x y", "GEOSEARCH nokey FROMMEMBER m BYRADIUS 1 km"));
    }

    @Test
    void errorsInRedisOrder() {
        d.sameAll(SICILY, "SET str v",
                "GEORADIUS Sicily 15 37 -1 km", "GEORADIUS Sicily 15 37 x km", "GEORADIUS Sicily 15 37 1 parsec",
                "GEORADIUS Sicily 200 37 1 km", "GEORADIUS Sicily 15 37 1 km COUNT 0", "GEORADIUS Sicily 15 37 1 km COUNT x",
                "GEORADIUS Sicily 15 37 1 km COUNT", "GEORADIUS Sicily 15 37 1 km ANY", "GEORADIUS Sicily 15 37 1 km FOO",
                "GEORADIUS Sicily 15 37 1 km STORE d WITHDIST", "GEORADIUS_RO Sicily 15 37 1 km STORE d",
                "GEORADIUS str 15 37 1 km", "GEORADIUS Sicily 15 37 1 km FROMLONLAT 1 1",
                "GEOSEARCH Sicily BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT 15 37", "geosearch Sicily FROMLONLAT 15 37",
                "GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km",
                "GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 km",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x 1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 y km",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 yd", "GEOSEARCH Sicily FROMMEMBER nope BYBOX 1 1 km",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE d", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km WITHDIST ANY", "GEOSEARCH Sicily FROMLONLAT 91 37 BYRADIUS 1 km",
                "GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 1 km WITHCOORD", "GEOSEARCHSTORE d str FROMLONLAT 15 37 BYRADIUS 1 km",
                "GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 100 km STORE x", "GEOSEARCH str FROMLONLAT 15 37 BYRADIUS 1 km",
                "COMMAND GETKEYSANDFLAGS GEORADIUS k 1 2 3 km STORE a STOREDIST b",
                "COMMAND GETKEYSANDFLAGS GEOSEARCHSTORE d s FROMLONLAT 1 2 BYRADIUS 3 km");
    }

    /** Random points on the globe; random searches, unsorted (Redis's box order) and sorted. */
    @Test
    void seededRandomSearches() {
        SeededRandom seeded = SeededRandom.create();
        Random rnd = seeded.random();
        StringBuilder add = new StringBuilder("GEOADD pts");
        for (int i = 0; i < 400; i++) {
            // clustered around a few centres so that searches of every size find something
            double lon = (i % 4) * 40 - 60 + rnd.nextGaussian() * (i % 3 == 0 ? 0.01 : 2);
            double lat = (i % 5) * 30 - 60 + rnd.nextGaussian() * (i % 3 == 0 ? 0.01 : 2);
            lon = Math.max(-180, Math.min(180, lon));
            lat = Math.max(-85, Math.min(85, lat));
            add.append(String.format(Locale.ROOT, " %.6f %.6f p%d", lon, lat, i));
        }
        d.sameAll(add.toString());
        seeded.repeat(200, i -> {
            if (i == 100) {
                realClient.call("HELLO", "3");
                ourClient.call("HELLO", "3");
            }
            StringBuilder cmd = new StringBuilder("GEOSEARCH pts");
            if (rnd.nextInt(4) == 0) {
                cmd.append(" FROMMEMBER p").append(rnd.nextInt(400));
            } else {
                cmd.append(String.format(Locale.ROOT, " FROMLONLAT %.4f %.4f",
                        (rnd.nextInt(4) * 40 - 60) + rnd.nextGaussian() * 3, (rnd.nextInt(5) * 30 - 60) + rnd.nextGaussian() * 3));
            }
            double size = Math.pow(10, rnd.nextDouble() * 4); // 1 .. 10000 km
            if (rnd.nextBoolean()) {
                cmd.append(String.format(Locale.ROOT, " BYRADIUS %.3f km", size));
            } else {
                cmd.append(String.format(Locale.ROOT, " BYBOX %.3f %.3f km", size, size * (0.2 + rnd.nextDouble() * 2)));
            }
            switch (rnd.nextInt(4)) {
                case 0 -> cmd.append(" ASC");
                case 1 -> cmd.append(" DESC");
                default -> { }
            }
            if (rnd.nextInt(3) == 0) {
                cmd.append(" COUNT ").append(1 + rnd.nextInt(20));
                if (rnd.nextBoolean()) {
                    cmd.append(" ANY");
                }
            }
            if (rnd.nextBoolean()) {
                cmd.append(" WITHDIST");
            }
            if (rnd.nextInt(3) == 0) {
                cmd.append(" WITHCOORD WITHHASH");
            }
            d.sameAll(cmd.toString());
        });
    }
}

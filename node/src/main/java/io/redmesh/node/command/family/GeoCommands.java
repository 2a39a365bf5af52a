package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Doubles;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.GeoHash;
import io.redmesh.node.util.RedisException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The geo family over sorted sets, as Redis 7.0's geo.c: GEOADD stores each point as a sorted
 * set member whose score is its 52-bit geohash (and reaches replicas and the AOF as the ZADD it
 * runs), GEOPOS/GEOHASH/GEODIST decode it, and the searches (GEORADIUS[BYMEMBER][_RO],
 * GEOSEARCH[STORE]) live in {@link GeoSearch}. The numbers are Redis's: coordinates printed
 * like its "%.17Lf" trimmed of zeros, distances with four decimals.
 */
final class GeoCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("geoadd", GeoCommands::geoadd)
         .bind("geopos", GeoCommands::geopos)
         .bind("geohash", GeoCommands::geohash)
         .bind("geodist", GeoCommands::geodist)
         .bind("georadius", c -> GeoSearch.search(c, 1, GeoSearch.RADIUS_COORDS))
         .bind("georadius_ro", c -> GeoSearch.search(c, 1, GeoSearch.RADIUS_COORDS | GeoSearch.RADIUS_NOSTORE))
         .bind("georadiusbymember", c -> GeoSearch.search(c, 1, GeoSearch.RADIUS_MEMBER))
         .bind("georadiusbymember_ro", c -> GeoSearch.search(c, 1, GeoSearch.RADIUS_MEMBER | GeoSearch.RADIUS_NOSTORE))
         .bind("geosearch", c -> GeoSearch.search(c, 1, GeoSearch.GEOSEARCH))
         .bind("geosearchstore", c -> GeoSearch.search(c, 2, GeoSearch.GEOSEARCH | GeoSearch.GEOSEARCHSTORE));
    }

    /**
     * extractLongLatOrReply(): two doubles within the Web Mercator limits, else Redis's error
     * (its format "%f,%f").
     */
    static double[] longLat(CommandContext c, int i) {
        double lon = c.argDouble(i);
        double lat = c.argDouble(i + 1);
        if (lon < GeoHash.LONG_MIN || lon > GeoHash.LONG_MAX || lat < GeoHash.LAT_MIN || lat > GeoHash.LAT_MAX) {
            throw RedisException.err("invalid longitude,latitude pair " + fixed6(lon) + "," + fixed6(lat));
        }
        return new double[] {lon, lat};
    }

    /** C's "%f". */
    private static String fixed6(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        return new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** extractUnitOrReply(): meters per unit. */
    static double unit(CommandContext c, int i) {
        switch (c.argLower(i)) {
            case "m":
                return 1;
            case "km":
                return 1000;
            case "ft":
                return 0.3048;
            case "mi":
                return 1609.34;
            default:
                throw RedisException.err("unsupported unit provided. please use M, KM, FT, MI");
        }
    }

    /** The point a member stands for, or null when it is absent. */
    static double[] position(ZSetValue z, byte[] member) {
        if (z == null) {
            return null;
        }
        double score = z.scoreOrNaN(member);
        return Double.isNaN(score) ? null : GeoHash.decodeScore(score);
    }

    /**
     * GEOADD key [NX|XX] [CH] lon lat member ...: the ZADD Redis rewrites it into, run and
     * propagated as that ZADD.
     */
    static void geoadd(CommandContext c) {
        boolean nx = false;
        boolean xx = false;
        int longidx = 2;
        while (longidx < c.argc()) {
            if (c.argIs(longidx, "nx")) {
                nx = true;
            } else if (c.argIs(longidx, "xx")) {
                xx = true;
            } else if (!c.argIs(longidx, "ch")) {
                break;
            }
            longidx++;
        }
        if ((c.argc() - longidx) % 3 != 0 || (xx && nx)) {
            throw Errors.E_SYNTAX;
        }
        int elements = (c.argc() - longidx) / 3;
        byte[][] zadd = new byte[longidx + elements * 2][];
        zadd[0] = Bytes.of("zadd");
        System.arraycopy(c.argv, 1, zadd, 1, longidx - 1);
        for (int i = 0; i < elements; i++) {
            double[] xy = longLat(c, longidx + i * 3);
            zadd[longidx + i * 2] = Bytes.fromLong(GeoHash.score(xy[0], xy[1]));
            zadd[longidx + i * 2 + 1] = c.arg(longidx + i * 3 + 2);
        }
        SortedSetCommands.zadd(c, zadd, false);
        c.propagateAs(zadd);
    }

    static void geopos(CommandContext c) {
        ZSetValue z = SortedSetCommands.read(c, c.arg(1));
        c.reply.array(c.argc() - 2);
        for (int j = 2; j < c.argc(); j++) {
            double[] xy = position(z, c.arg(j));
            if (xy == null) {
                c.reply.nullArray();
            } else {
                c.reply.array(2);
                humanDouble(c, xy[0]);
                humanDouble(c, xy[1]);
            }
        }
    }

    static void geohash(CommandContext c) {
        ZSetValue z = SortedSetCommands.read(c, c.arg(1));
        c.reply.array(c.argc() - 2);
        for (int j = 2; j < c.argc(); j++) {
            double score = z == null ? Double.NaN : z.scoreOrNaN(c.arg(j));
            String hash = Double.isNaN(score) ? null : GeoHash.standardHash(score);
            if (hash == null) {
                c.reply.nullBulk();
            } else {
                c.reply.bulk(hash);
            }
        }
    }

    static void geodist(CommandContext c) {
        double toMeter = 1;
        if (c.argc() == 5) {
            toMeter = unit(c, 4);
        } else if (c.argc() > 5) {
            throw Errors.E_SYNTAX;
        }
        ZSetValue z = SortedSetCommands.read(c, c.arg(1));
        double[] a = position(z, c.arg(2));
        double[] b = a == null ? null : position(z, c.arg(3));
        if (b == null) {
            c.reply.nullBulk();
            return;
        }
        distance(c, GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeter);
    }

    /** addReplyDoubleDistance(): "%.4f" as a bulk string, in RESP2 and RESP3 alike. */
    static void distance(CommandContext c, double d) {
        c.reply.bulk(new BigDecimal(d).setScale(4, RoundingMode.HALF_EVEN).toPlainString());
    }

    /** addReplyHumanLongDouble(): "%.17Lf" trimmed, a bulk string in RESP2, a double in RESP3. */
    static void humanDouble(CommandContext c, double d) {
        c.reply.dblFormatted(Bytes.of(Doubles.formatHuman(new BigDecimal(d))));
    }
}

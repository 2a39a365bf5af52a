package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyExtractor;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.ZRangeSpec;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.GeoHash;
import io.redmesh.node.util.PartialQuickSort;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GEORADIUS, GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH and GEOSEARCHSTORE: Redis 7.0's
 * georadiusGeneric(). The options are parsed in Redis's order with its errors; the search scans
 * the boxes {@link GeoHash#searchBoxes} names, in Redis's order, keeping the points inside the
 * circle or box; COUNT without ANY sorts by distance, ANY stops at COUNT matches; STORE writes a
 * sorted set of geohash scores, STOREDIST one of distances in the request's unit.
 */
final class GeoSearch {
    static final int RADIUS_COORDS = 1;
    static final int RADIUS_MEMBER = 2;
    static final int RADIUS_NOSTORE = 4;
    static final int GEOSEARCH = 8;
    static final int GEOSEARCHSTORE = 16;

    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;

    private GeoSearch() {}

    /** The search shape (GeoShape): a circle or a box around a point, in the request's unit. */
    private static final class Shape {
        double lon;
        double lat;
        boolean box;
        double radius;
        double width;
        double height;
        double conversion;
    }

    /** A match (geoPoint). */
    private record Point(byte[] member, double score, double lon, double lat, double dist) {}

    static void search(CommandContext c, int srcKeyIndex, int flags) {
        ZSetValue zobj = SortedSetCommands.read(c, c.arg(srcKeyIndex));
        byte[] storekey = null;
        boolean storedist = false;
        Shape shape = new Shape();
        int baseArgs;
        if ((flags & RADIUS_COORDS) != 0) {
            baseArgs = 6;
            double[] xy = GeoCommands.longLat(c, 2);
            shape.lon = xy[0];
            shape.lat = xy[1];
            distanceArg(c, baseArgs - 2, shape);
        } else if ((flags & RADIUS_MEMBER) != 0) {
            baseArgs = 5;
            if (zobj != null) {
                memberPosition(zobj, c.arg(2), shape);
                distanceArg(c, baseArgs - 2, shape);
            }
        } else {
            baseArgs = 2;
            if ((flags & GEOSEARCHSTORE) != 0) {
                baseArgs = 3;
                storekey = c.arg(1);
            }
        }
        boolean withdist = false;
        boolean withhash = false;
        boolean withcoords = false;
        boolean frommember = false;
        boolean fromloc = false;
        boolean byradius = false;
        boolean bybox = false;
        boolean any = false;
        int sort = SORT_NONE;
        long count = 0;
        boolean geosearch = (flags & GEOSEARCH) != 0;
        boolean storeAllowed = (flags & RADIUS_NOSTORE) == 0 && !geosearch;
        int storeIdx = -1;
        int remaining = c.argc() - baseArgs;
        for (int i = 0; i < remaining; i++) {
            int at = baseArgs + i;
            if (c.argIs(at, "withdist")) {
                withdist = true;
            } else if (c.argIs(at, "withhash")) {
                withhash = true;
            } else if (c.argIs(at, "withcoord")) {
                withcoords = true;
            } else if (c.argIs(at, "any")) {
                any = true;
            } else if (c.argIs(at, "asc")) {
                sort = SORT_ASC;
            } else if (c.argIs(at, "desc")) {
                sort = SORT_DESC;
            } else if (c.argIs(at, "count") && i + 1 < remaining) {
                count = c.argLong(at + 1);
                if (count <= 0) {
                    throw RedisException.err("COUNT must be > 0");
                }
                i++;
            } else if (c.argIs(at, "store") && i + 1 < remaining && storeAllowed) {
                storekey = c.arg(at + 1);
                storedist = false;
                storeIdx = at + 1;
                i++;
            } else if (c.argIs(at, "storedist") && i + 1 < remaining && storeAllowed) {
                storekey = c.arg(at + 1);
                storedist = true;
                storeIdx = at + 1;
                i++;
            } else if (c.argIs(at, "storedist") && geosearch && (flags & GEOSEARCHSTORE) != 0) {
                storedist = true;
            } else if (c.argIs(at, "frommember") && i + 1 < remaining && geosearch && !fromloc) {
                if (zobj != null) {
                    memberPosition(zobj, c.arg(at + 1), shape);
                }
                frommember = true;
                i++;
            } else if (c.argIs(at, "fromlonlat") && i + 2 < remaining && geosearch && !frommember) {
                double[] xy = GeoCommands.longLat(c, at + 1);
                shape.lon = xy[0];
                shape.lat = xy[1];
                fromloc = true;
                i += 2;
            } else if (c.argIs(at, "byradius") && i + 2 < remaining && geosearch && !bybox) {
                distanceArg(c, at + 1, shape);
                shape.box = false;
                byradius = true;
                i += 2;
            } else if (c.argIs(at, "bybox") && i + 3 < remaining && geosearch && !byradius) {
                double w = doubleArg(c, at + 1, "need numeric width");
                double h = doubleArg(c, at + 2, "need numeric height");
                if (h < 0 || w < 0) {
                    throw RedisException.err("height or width cannot be negative");
                }
                shape.width = w;
                shape.height = h;
                shape.conversion = GeoCommands.unit(c, at + 3);
                shape.box = true;
                bybox = true;
                i += 3;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (storeIdx >= 0 && !c.session.mustObey() && !keyFound(c, storeIdx)) {
            // the STORE/STOREDIST key specs find the first of each keyword, this parse keeps the
            // last one ("STORE allowed STORE secret"): refused rather than written unchecked by ACL
            throw Errors.E_SYNTAX;
        }
        if (storekey != null && (withdist || withhash || withcoords)) {
            throw RedisException.err(((flags & GEOSEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        if (geosearch && !(frommember || fromloc)) {
            throw RedisException.err("exactly one of FROMMEMBER or FROMLONLAT can be specified for " + c.argString(0));
        }
        if (geosearch && !(byradius || bybox)) {
            throw RedisException.err("exactly one of BYRADIUS and BYBOX can be specified for " + c.argString(0));
        }
        if (any && count == 0) {
            throw RedisException.err("the ANY argument requires COUNT argument");
        }
        Database db = c.db();
        if (zobj == null) {
            if (storekey != null) {
                if (db.delete(storekey)) {
                    c.notify(KeyspaceEvents.GENERIC, "del", storekey);
                    c.dirty();
                }
                c.reply.integer(0);
            } else {
                c.reply.emptyArray();
            }
            return;
        }
        if (count != 0 && sort == SORT_NONE && !any) {
            sort = SORT_ASC; // the closest COUNT points need a sort
        }
        List<Point> found = scan(zobj, shape, any ? count : 0);
        if (found.isEmpty() && storekey == null) {
            c.reply.emptyArray();
            return;
        }
        int returned = (int) (count == 0 || found.size() < count ? found.size() : count);
        if (sort != SORT_NONE) {
            // sort_gp_asc() / sort_gp_desc()
            Comparator<Point> byDist = (a, b) -> a.dist() > b.dist() ? 1 : a.dist() == b.dist() ? 0 : -1;
            Comparator<Point> cmp = sort == SORT_ASC ? byDist : byDist.reversed();
            if (returned == found.size()) {
                found.sort(cmp); // glibc's qsort(): a merge sort, stable
            } else {
                // Redis's pqsort(): not stable, so which of equally distant points are returned is its choice
                Point[] v = found.toArray(new Point[0]);
                PartialQuickSort.sort(v, cmp, 0, returned - 1);
                found = java.util.Arrays.asList(v);
            }
        }
        if (storekey == null) {
            reply(c, found, returned, shape.conversion, withdist, withhash, withcoords);
            return;
        }
        ZSetValue out = new ZSetValue();
        ZSetValue.Limits limits = SortedSetCommands.limits(c);
        for (int i = 0; i < returned; i++) {
            Point p = found.get(i);
            out.insert(p.member(), storedist ? p.dist() / shape.conversion : p.score(), limits);
        }
        if (returned > 0) {
            db.set(storekey, out, false);
            db.ready(storekey);
            c.notify(KeyspaceEvents.ZSET, geosearch ? "geosearchstore" : "georadiusstore", storekey);
            c.dirty(returned);
        } else if (db.delete(storekey)) {
            c.notify(KeyspaceEvents.GENERIC, "del", storekey);
            c.dirty();
        }
        c.reply.integer(returned);
    }

    private static void reply(CommandContext c, List<Point> found, int returned, double conversion,
                              boolean withdist, boolean withhash, boolean withcoords) {
        int options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
        c.reply.array(returned);
        for (int i = 0; i < returned; i++) {
            Point p = found.get(i);
            if (options > 0) {
                c.reply.array(options + 1);
            }
            c.reply.bulk(p.member());
            if (withdist) {
                GeoCommands.distance(c, p.dist() / conversion);
            }
            if (withhash) {
                c.reply.integer((long) p.score());
            }
            if (withcoords) {
                c.reply.array(2);
                GeoCommands.humanDouble(c, p.lon());
                GeoCommands.humanDouble(c, p.lat());
            }
        }
    }

    /** Whether the command's key specs name argument {@code idx} as a key. */
    private static boolean keyFound(CommandContext c, int idx) {
        KeyExtractor.Keys keys = KeyExtractor.keys(c.spec, c.argv, c.argc());
        for (int i = 0; i < keys.count(); i++) {
            if (keys.position(i) == idx) {
                return true;
            }
        }
        return false;
    }

    /** longLatFromMember(): the search centre is a member's point. */
    private static void memberPosition(ZSetValue z, byte[] member, Shape shape) {
        double[] xy = GeoCommands.position(z, member);
        if (xy == null) {
            throw RedisException.err("could not decode requested zset member");
        }
        shape.lon = xy[0];
        shape.lat = xy[1];
    }

    /** extractDistanceOrReply(): a radius and its unit. */
    private static void distanceArg(CommandContext c, int i, Shape shape) {
        double d = doubleArg(c, i, "need numeric radius");
        if (d < 0) {
            throw RedisException.err("radius cannot be negative");
        }
        shape.radius = d;
        shape.conversion = GeoCommands.unit(c, i + 1);
    }

    /** getDoubleFromObjectOrReply() with a command's own message. */
    private static double doubleArg(CommandContext c, int i, String message) {
        try {
            return c.argDouble(i);
        } catch (RedisException e) {
            throw RedisException.err(message);
        }
    }

    /**
     * membersOfAllNeighbors(): each box in turn (a box equal to the one scanned last is skipped,
     * as Redis skips it), the points in its score range that lie in the shape, stopping at
     * {@code limit} matches when it is not 0.
     */
    private static List<Point> scan(ZSetValue z, Shape shape, long limit) {
        double halfWidth;
        double halfHeight;
        double radius;
        if (shape.box) {
            halfHeight = shape.conversion * (shape.height / 2);
            halfWidth = shape.conversion * (shape.width / 2);
            radius = Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
        } else {
            halfHeight = shape.conversion * shape.radius;
            halfWidth = shape.conversion * shape.radius;
            radius = shape.radius;
        }
        radius *= shape.conversion;
        GeoHash.Bits[] boxes = GeoHash.searchBoxes(shape.lon, shape.lat, halfWidth, halfHeight, radius);
        List<Point> found = new ArrayList<>();
        int lastProcessed = 0;
        for (int i = 0; i < boxes.length; i++) {
            if (GeoHash.isZero(boxes[i])) {
                continue;
            }
            if (lastProcessed != 0 && boxes[i].equals(boxes[lastProcessed])) {
                continue;
            }
            if (!found.isEmpty() && limit != 0 && found.size() >= limit) {
                break;
            }
            long[] range = GeoHash.scoreRange(boxes[i]);
            ZRangeSpec r = new ZRangeSpec.Score(range[0], range[1], false, true);
            z.forRangeWhile(r, (member, score) -> {
                Point p = within(shape, member, score);
                if (p != null) {
                    found.add(p);
                }
                return found.isEmpty() || limit == 0 || found.size() < limit;
            });
            lastProcessed = i;
        }
        return found;
    }

    /** geoAppendIfWithinShape(): the point of a score, if it lies in the shape. */
    private static Point within(Shape shape, byte[] member, double score) {
        double[] xy = GeoHash.decodeScore(score);
        if (xy == null) {
            return null;
        }
        double distance;
        if (!shape.box) {
            distance = GeoHash.distance(shape.lon, shape.lat, xy[0], xy[1]);
            if (distance > shape.radius * shape.conversion) {
                return null;
            }
        } else {
            double widthM = shape.width * shape.conversion;
            double heightM = shape.height * shape.conversion;
            if (GeoHash.latDistance(xy[1], shape.lat) > heightM / 2) {
                return null;
            }
            if (GeoHash.distance(xy[0], xy[1], shape.lon, xy[1]) > widthM / 2) {
                return null;
            }
            distance = GeoHash.distance(shape.lon, shape.lat, xy[0], xy[1]);
        }
        return new Point(member, score, xy[0], xy[1], distance);
    }
}

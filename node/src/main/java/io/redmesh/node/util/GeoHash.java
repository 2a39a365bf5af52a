package io.redmesh.node.util;

/**
 * Redis's geohash arithmetic (geohash.c and geohash_helper.c of 7.0), step for step so that a
 * point gets the same 52-bit score, decodes to the same coordinates, and a search visits the
 * same boxes in the same order as in Redis: scores, GEOPOS/GEOHASH output and the order of an
 * unsorted GEOSEARCH all depend on it. Latitudes are limited to the Web Mercator range.
 */
public final class GeoHash {
    private GeoHash() {}

    public static final int STEP_MAX = 26;
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;
    public static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    /** A cell: its interleaved bits (latitude on even bits, longitude on odd) and its step. */
    public record Bits(long bits, int step) {
        static final Bits ZERO = new Bits(0, 0);

        boolean isZero() {
            return bits == 0 && step == 0;
        }
    }

    /** The cell's bounds. */
    record Area(double lonMin, double lonMax, double latMin, double latMax) {}

    /** interleave64(): x on the even bits, y on the odd ones. */
    static long interleave(long xlo, long ylo) {
        long x = xlo & 0xFFFFFFFFL;
        long y = ylo & 0xFFFFFFFFL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        y = (y | (y << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        y = (y | (y << 1)) & 0x5555555555555555L;
        return x | (y << 1);
    }

    /** deinterleave64(): the even bits in the low word, the odd ones in the high word. */
    static long deinterleave(long interleaved) {
        long x = interleaved;
        long y = interleaved >>> 1;
        x = x & 0x5555555555555555L;
        y = y & 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        y = (y | (y >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;
        return x | (y << 32);
    }

    private static final double TWO_63 = 9.223372036854775808E18;

    /**
     * C's (uint64_t) cast of a double as x86-64 code does it (a sorted set may hold any score):
     * cvttsd2si below 2^63, of d - 2^63 above, and 0x8000000000000000 where cvttsd2si overflows.
     */
    static long toUint64(double d) {
        return d < TWO_63 ? cvtt(d) : cvtt(d - TWO_63) ^ Long.MIN_VALUE;
    }

    private static long cvtt(double d) {
        return Double.isNaN(d) || d >= TWO_63 || d < -TWO_63 ? Long.MIN_VALUE : (long) d;
    }

    /** C's conversion of a non-negative double below 2^32 to uint32_t: truncation. */
    private static long toUint32(double d) {
        return ((long) d) & 0xFFFFFFFFL;
    }

    /**
     * geohashEncode() over the given latitude range (Redis's, or -90..90 for GEOHASH strings);
     * null where Redis returns 0 (outside the ranges).
     */
    static Bits encode(double latMinRange, double latMaxRange, double longitude, double latitude, int step) {
        if (longitude > LONG_MAX || longitude < LONG_MIN || latitude > LAT_MAX || latitude < LAT_MIN) {
            return null;
        }
        if (latitude < latMinRange || latitude > latMaxRange || longitude < LONG_MIN || longitude > LONG_MAX) {
            return null;
        }
        double latOffset = (latitude - latMinRange) / (latMaxRange - latMinRange);
        double longOffset = (longitude - LONG_MIN) / (LONG_MAX - LONG_MIN);
        latOffset *= (double) (1L << step);
        longOffset *= (double) (1L << step);
        return new Bits(interleave(toUint32(latOffset), toUint32(longOffset)), step);
    }

    /** geohashEncodeWGS84() then geohashAlign52Bits(): the score GEOADD stores. */
    public static long score(double longitude, double latitude) {
        Bits b = encode(LAT_MIN, LAT_MAX, longitude, latitude, STEP_MAX);
        return b == null ? 0 : align52(b);
    }

    /** geohashAlign52Bits(). */
    static long align52(Bits b) {
        return b.bits << (52 - b.step * 2);
    }

    /** geohashDecode() over Redis's ranges. */
    static Area decode(Bits hash) {
        return decode(hash, LAT_MIN, LAT_MAX);
    }

    private static Area decode(Bits hash, double latMin, double latMax) {
        long sep = deinterleave(hash.bits);
        double latScale = latMax - latMin;
        double longScale = LONG_MAX - LONG_MIN;
        long ilato = sep & 0xFFFFFFFFL;
        long ilono = (sep >>> 32) & 0xFFFFFFFFL;
        double cells = (double) (1L << hash.step);
        return new Area(
                LONG_MIN + (ilono * 1.0 / cells) * longScale,
                LONG_MIN + ((ilono + 1) * 1.0 / cells) * longScale,
                latMin + (ilato * 1.0 / cells) * latScale,
                latMin + ((ilato + 1) * 1.0 / cells) * latScale);
    }

    /**
     * decodeGeohash(): the centre of a stored score's cell as {longitude, latitude}, clamped to
     * the valid ranges.
     */
    public static double[] decodeScore(double score) {
        Bits hash = new Bits(toUint64(score), STEP_MAX);
        if (hash.isZero()) {
            return null;
        }
        Area a = decode(hash);
        double lon = (a.lonMin + a.lonMax) / 2;
        lon = Math.min(Math.max(lon, LONG_MIN), LONG_MAX);
        double lat = (a.latMin + a.latMax) / 2;
        lat = Math.min(Math.max(lat, LAT_MIN), LAT_MAX);
        return new double[] {lon, lat};
    }

    private static final char[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();

    /** GEOHASH's 11-character standard geohash of a stored score (re-encoded over -90..90). */
    public static String standardHash(double score) {
        double[] xy = decodeScore(score);
        if (xy == null) {
            return null;
        }
        Bits hash = encode(-90, 90, xy[0], xy[1], STEP_MAX);
        long bits = hash == null ? 0 : hash.bits;
        char[] out = new char[11];
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f);
            out[i] = ALPHABET[idx];
        }
        return new String(out);
    }

    // ------------------------------------------------------------------ distances

    private static double degRad(double ang) {
        return ang * D_R;
    }

    private static double radDeg(double ang) {
        return ang / D_R;
    }

    /** geohashGetLatDistance(): the distance along a meridian. */
    public static double latDistance(double lat1d, double lat2d) {
        return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
    }

    /** geohashGetDistance(): the haversine great-circle distance in meters. */
    public static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lon1r = degRad(lon1d);
        double lon2r = degRad(lon2d);
        double v = Math.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latDistance(lat1d, lat2d);
        }
        double lat1r = degRad(lat1d);
        double lat2r = degRad(lat2d);
        double u = Math.sin((lat2r - lat1r) / 2);
        double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
    }

    // ------------------------------------------------------------------ search areas

    /** geohashEstimateStepsByRadius(). */
    static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    private static final long LONGITUDE_BITS = 0xaaaaaaaaaaaaaaaaL;
    private static final long LATITUDE_BITS = 0x5555555555555555L;

    /**
     * geohash_move_x() (longitude, the odd bits) and geohash_move_y() (latitude, the even bits):
     * the next cell east/north ({@code d > 0}) or west/south, wrapping around.
     */
    private static Bits move(Bits h, long axis, int d) {
        long v = h.bits & axis;
        long other = h.bits & ~axis;
        long zz = ~axis >>> (64 - h.step * 2);
        if (d > 0) {
            v = v + (zz + 1);
        } else {
            v = v | zz;
            v = v - (zz + 1);
        }
        v &= axis >>> (64 - h.step * 2);
        return new Bits(v | other, h.step);
    }

    private static Bits moveX(Bits h, int d) {
        return move(h, LONGITUDE_BITS, d);
    }

    private static Bits moveY(Bits h, int d) {
        return move(h, LATITUDE_BITS, d);
    }

    /**
     * geohashCalculateAreasByShapeWGS84(): the boxes a search must scan, in the order
     * membersOfAllNeighbors() scans them (centre, N, S, E, W, NE, NW, SE, SW); a box that cannot
     * hold a match is {@link Bits#ZERO}.
     *
     * @param halfWidth  the radius, or half the box's width, in meters
     * @param halfHeight the radius, or half the box's height, in meters
     * @param radius     the radius, or the distance from the box's centre to a corner, in meters
     */
    public static Bits[] searchBoxes(double lon, double lat, double halfWidth, double halfHeight, double radius) {
        double latDelta = radDeg(halfHeight / EARTH_RADIUS_IN_METERS);
        double longDeltaTop = radDeg(halfWidth / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat + latDelta)));
        double longDeltaBottom = radDeg(halfWidth / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat - latDelta)));
        boolean south = lat < 0;
        double minLon = south ? lon - longDeltaBottom : lon - longDeltaTop;
        double maxLon = south ? lon + longDeltaBottom : lon + longDeltaTop;
        double minLat = lat - latDelta;
        double maxLat = lat + latDelta;

        int steps = estimateSteps(radius, lat);
        Bits hash = encode(LAT_MIN, LAT_MAX, lon, lat, steps);
        Bits[] n = neighbours(hash);
        Area area = decode(hash);
        boolean decrease = decode(n[1]).latMax < maxLat || decode(n[2]).latMin > minLat
                || decode(n[3]).lonMax < maxLon || decode(n[4]).lonMin > minLon;
        if (steps > 1 && decrease) {
            steps--;
            hash = encode(LAT_MIN, LAT_MAX, lon, lat, steps);
            n = neighbours(hash);
            area = decode(hash);
        }
        if (steps >= 2) {
            if (area.latMin < minLat) {
                n[2] = n[8] = n[7] = Bits.ZERO; // south, south-west, south-east
            }
            if (area.latMax > maxLat) {
                n[1] = n[5] = n[6] = Bits.ZERO; // north, north-east, north-west
            }
            if (area.lonMin < minLon) {
                n[4] = n[8] = n[6] = Bits.ZERO; // west, south-west, north-west
            }
            if (area.lonMax > maxLon) {
                n[3] = n[7] = n[5] = Bits.ZERO; // east, south-east, north-east
            }
        }
        return n;
    }

    /** The cell and its neighbours in membersOfAllNeighbors()'s order. */
    private static Bits[] neighbours(Bits h) {
        return new Bits[] {
            h,
            moveY(h, 1),              // north
            moveY(h, -1),             // south
            moveX(h, 1),              // east
            moveX(h, -1),             // west
            moveY(moveX(h, 1), 1),    // north-east
            moveY(moveX(h, -1), 1),   // north-west
            moveY(moveX(h, 1), -1),   // south-east
            moveY(moveX(h, -1), -1),  // south-west
        };
    }

    /**
     * The score range [min, max) a box covers (scoresOfGeoHashBox()); none for a zero box. The
     * caller skips a box equal to the last one scanned, except the centre (Redis compares with
     * the last processed index only when it is not 0).
     */
    public static long[] scoreRange(Bits b) {
        long min = align52(b);
        long max = align52(new Bits(b.bits + 1, b.step));
        return new long[] {min, max};
    }

    /** Whether a box is the zero box (excluded from the search). */
    public static boolean isZero(Bits b) {
        return b.isZero();
    }
}

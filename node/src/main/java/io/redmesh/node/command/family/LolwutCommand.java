package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.util.RedisException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LOLWUT [VERSION v] [args]: Redis 7.0's lolwut.c, lolwut5.c and lolwut6.c. Without VERSION (or
 * with one other than 5 and 6) it answers 7.0's one line, "Redis ver. 7.0.15". VERSION 5 draws
 * Georg Nees's Schotter in Braille characters, VERSION 6 a city skyline in terminal colours;
 * both with Redis's arithmetic step for step (C's float and round()), so the parts that do not
 * depend on rand() are the same bytes as redis-server's: all of a Schotter of at most two rows of
 * squares and of a one-row skyline, and the layout of every other. The random parts use this
 * JVM's generator where Redis uses libc's rand() (seeded with its start time and pid).
 */
final class LolwutCommand implements CommandFamily {
    /** C's RAND_MAX on glibc. */
    private static final int RAND_MAX = Integer.MAX_VALUE;

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("lolwut", LolwutCommand::lolwut);
    }

    static void lolwut(CommandContext c) {
        int first = 1;
        String v = ServerContext.REDIS_VERSION;
        if (c.argc() >= 3 && c.argIs(1, "VERSION")) {
            long ver = c.argLong(2);
            v = Integer.toUnsignedString((int) ver) + ".0.0"; // snprintf("%u.0.0", (unsigned int) ver)
            first = 3;
        }
        String art;
        if ((v.startsWith("5.") && v.charAt(2) != '9') || v.startsWith("4.9")) {
            art = schotter(c, first);
        } else if ((v.startsWith("6.") && v.charAt(2) != '9') || v.startsWith("5.9")) {
            art = skyline(c, first);
        } else {
            art = "Redis ver. " + ServerContext.REDIS_VERSION + "\n";
        }
        c.reply.verbatim(art);
    }

    /** Argument {@code i} as getLongFromObjectOrReply reads it, or {@code dflt} when absent. */
    private static long arg(CommandContext c, int i, long dflt) {
        return i < c.argc() ? c.argLong(i) : dflt;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    // ------------------------------------------------------------------ LOLWUT 5

    /** lolwut5Command(): [columns] [squares per row] [squares per column]. Latin-1 of UTF-8 bytes. */
    private static String schotter(CommandContext c, int first) {
        int cols = (int) clamp(arg(c, first, 66), 1, 1000);
        int perRow = (int) clamp(arg(c, first + 1, 8), 1, 200);
        int perCol = (int) clamp(arg(c, first + 2, 12), 1, 200);
        // 7.0's bounds still allow a 760 MB canvas and a 290 MB reply (LOLWUT 5 1000 1 200), which
        // any @read user may ask for: past the reply ceiling it is refused before drawing, as a
        // reply that large would be refused after it (docs/SECURITY.md)
        int width = cols * 2;
        int padding = width > 4 ? 2 : 0;
        long height = (long) ((float) (width - padding * 2) / perRow * perCol + padding * 2);
        long ceiling = c.server.replyCeiling();
        if ((long) width * height > ceiling) {
            throw RedisException.err("reply too large: 'lolwut' would send more than " + ceiling
                    + " bytes, the most RedMesh holds for one client");
        }
        Canvas canvas = drawSchotter(cols, perRow, perCol);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int y = 0; y < canvas.height; y += 4) {
            for (int x = 0; x < canvas.width; x += 2) {
                int bits = 0;
                bits |= canvas.get(x, y) != 0 ? 1 : 0;
                bits |= canvas.get(x, y + 1) != 0 ? 1 << 1 : 0;
                bits |= canvas.get(x, y + 2) != 0 ? 1 << 2 : 0;
                bits |= canvas.get(x + 1, y) != 0 ? 1 << 3 : 0;
                bits |= canvas.get(x + 1, y + 1) != 0 ? 1 << 4 : 0;
                bits |= canvas.get(x + 1, y + 2) != 0 ? 1 << 5 : 0;
                bits |= canvas.get(x, y + 3) != 0 ? 1 << 6 : 0;
                bits |= canvas.get(x + 1, y + 3) != 0 ? 1 << 7 : 0;
                int code = 0x2800 + bits; // the Braille block, three bytes of UTF-8
                out.write(0xE0 | (code >> 12));
                out.write(0x80 | ((code >> 6) & 0x3F));
                out.write(0x80 | (code & 0x3F));
            }
            if (y != canvas.height - 1) {
                out.write('\n');
            }
        }
        String footer = "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " + ServerContext.REDIS_VERSION + "\n";
        return out.toString(StandardCharsets.ISO_8859_1) + footer;
    }

    /** lwDrawSchotter(), in C's float arithmetic. */
    static Canvas drawSchotter(int consoleCols, int perRow, int perCol) {
        int width = consoleCols * 2;
        int padding = width > 4 ? 2 : 0;
        float side = (float) (width - padding * 2) / perRow;
        int height = (int) (side * perCol + padding * 2);
        Canvas canvas = new Canvas(width, height, 0);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int y = 0; y < perCol; y++) {
            for (int x = 0; x < perRow; x++) {
                int sx = (int) (x * side + side / 2 + padding);
                int sy = (int) (y * side + side / 2 + padding);
                float angle = 0;
                if (y > 1) {
                    float r1 = (float) rand(rnd) / (float) RAND_MAX / perCol * y;
                    float r2 = (float) rand(rnd) / (float) RAND_MAX / perCol * y;
                    float r3 = (float) rand(rnd) / (float) RAND_MAX / perCol * y;
                    if (rand(rnd) % 2 != 0) {
                        r1 = -r1;
                    }
                    if (rand(rnd) % 2 != 0) {
                        r2 = -r2;
                    }
                    if (rand(rnd) % 2 != 0) {
                        r3 = -r3;
                    }
                    angle = r1;
                    sx = (int) (sx + r2 * side / 3);
                    sy = (int) (sy + r3 * side / 3);
                }
                canvas.square(sx, sy, side, angle);
            }
        }
        return canvas;
    }

    // ------------------------------------------------------------------ LOLWUT 6

    /** lolwut6Command(): [columns] [rows]. */
    private static String skyline(CommandContext c, int first) {
        long cols = arg(c, first, 80);
        long rows = arg(c, first + 1, 20);
        Canvas canvas = new Canvas((int) clamp(cols, 1, 1000), (int) clamp(rows, 1, 1000), 3);
        generateSkyline(canvas);
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < canvas.height; y++) {
            for (int x = 0; x < canvas.width; x++) {
                String ce = switch (canvas.get(x, y)) {
                    case 1 -> "0;90;100m";
                    case 2 -> "0;37;47m";
                    case 3 -> "0;97;107m";
                    default -> "0;30;40m";
                };
                sb.append("\033[").append(ce).append(" \033[0m");
            }
            if (y != canvas.height - 1) {
                sb.append('\n');
            }
        }
        return sb.append("\nDedicated to the 8 bit game developers of past and present.\n")
                 .append("Original 8 bit image from Plaguemon by hikikomori. Redis ver. ")
                 .append(ServerContext.REDIS_VERSION).append('\n').toString();
    }

    /** generateSkyline(): two background passes without windows, then the foreground. */
    static void generateSkyline(Canvas canvas) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int h = canvas.height;
        for (int color = 2; color >= 1; color--) {
            for (int offset = -10; offset < canvas.width;) {
                offset += rand(rnd) % 8;
                int width = 10 + rand(rnd) % 9;
                int height = color == 2 ? h / 2 + rand(rnd) % h / 2 : h / 2 + rand(rnd) % h / 3;
                skyscraper(canvas, offset, width, height, false, color, rnd);
                offset += color == 2 ? width / 2 : width + 1;
            }
        }
        for (int offset = -10; offset < canvas.width;) {
            offset += rand(rnd) % 8;
            int width = 5 + rand(rnd) % 14;
            if (width % 4 != 0) {
                width += width % 3;
            }
            int height = h / 3 + rand(rnd) % h / 2;
            skyscraper(canvas, offset, width, height, true, 0, rnd);
            offset += width + 5;
        }
    }

    /** generateSkyscraper(). */
    private static void skyscraper(Canvas canvas, int xoff, int width, int height, boolean windows, int color,
            ThreadLocalRandom rnd) {
        int starty = canvas.height - 1;
        int endy = starty - height + 1;
        for (int y = starty; y >= endy; y--) {
            for (int x = xoff; x < xoff + width; x++) {
                if (y == endy && (x <= xoff + 1 || x >= xoff + width - 2)) {
                    continue; // the roof is four pixels narrower
                }
                int c = color;
                if (windows && x > xoff + 1 && x < xoff + width - 2 && y > endy + 1 && y < starty - 1) {
                    int relx = x - (xoff + 1);
                    int rely = y - (endy + 1);
                    if ((relx / 2) % 2 != 0 && rely % 2 != 0) {
                        do {
                            c = 1 + rand(rnd) % 2;
                        } while (c == color);
                        if (relx % 2 != 0) {
                            c = canvas.get(x - 1, y); // both pixels of a window share a colour
                        }
                    }
                }
                canvas.set(x, y, c);
            }
        }
    }

    /** rand(): 0..RAND_MAX. */
    private static int rand(ThreadLocalRandom rnd) {
        return rnd.nextInt() & RAND_MAX;
    }

    // ------------------------------------------------------------------ the canvas (lolwut.c)

    /** lwCanvas: one byte a pixel; drawing outside it is ignored, reading outside it is 0. */
    static final class Canvas {
        final int width;
        final int height;
        private final byte[] pixels;

        Canvas(int width, int height, int background) {
            this.width = width;
            this.height = height;
            this.pixels = new byte[width * height];
            java.util.Arrays.fill(pixels, (byte) background);
        }

        void set(int x, int y, int color) {
            if (x >= 0 && x < width && y >= 0 && y < height) {
                pixels[x + y * width] = (byte) color;
            }
        }

        int get(int x, int y) {
            return x < 0 || x >= width || y < 0 || y >= height ? 0 : pixels[x + y * width];
        }

        /** lwDrawLine(): Bresenham. */
        void line(int x1, int y1, int x2, int y2) {
            int dx = Math.abs(x2 - x1);
            int dy = Math.abs(y2 - y1);
            int sx = x1 < x2 ? 1 : -1;
            int sy = y1 < y2 ? 1 : -1;
            int err = dx - dy;
            while (true) {
                set(x1, y1, 1);
                if (x1 == x2 && y1 == y2) {
                    break;
                }
                int e2 = err * 2;
                if (e2 > -dy) {
                    err -= dy;
                    x1 += sx;
                }
                if (e2 < dx) {
                    err += dx;
                    y1 += sy;
                }
            }
        }

        /** lwDrawSquare(): the four corners on a circle, starting at 45 degrees plus the angle. */
        void square(int x, int y, float size, float angle) {
            int[] px = new int[4];
            int[] py = new int[4];
            size = (float) (size / 1.4142135623);
            size = (float) cRound(size);
            float k = (float) (Math.PI / 4 + angle);
            for (int j = 0; j < 4; j++) {
                px[j] = (int) cRound(Math.sin(k) * size + x);
                py[j] = (int) cRound(Math.cos(k) * size + y);
                k = (float) (k + Math.PI / 2);
            }
            for (int j = 0; j < 4; j++) {
                line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4]);
            }
        }

        /** C's round(): halfway cases away from zero (Math.round rounds them up). */
        private static double cRound(double v) {
            return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
        }
    }
}

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ACL propagation latency as a client sees it, across running RedMesh nodes with agents (started
 * by tools/bench/acl-propagation.sh; a single-file program: {@code java AclPropagationProbe.java}).
 *
 * <pre>
 * java AclPropagationProbe.java --ports P1,P2,... --metrics M1,M2,... [--n 500] [--warmup 30]
 *      [--gap-ms 20] [--poll-us 1000] [--timeout-ms 10000] [--ready-s 180] [--csv FILE]
 *      [--pids PID1,PID2,... [--idle-s 10]]
 * </pre>
 *
 * Waits (bounded) until every node lists the (nodes-1) others as reachable members and reports
 * mesh_synced:1 in INFO security. Then, for each of N changes, node (i mod nodes) is the origin: the probe sends
 * {@code ACL SETUSER bench<i mod 8> reset on >pw ~bm<i> +get} there and, from the moment it sent
 * it, polls {@code ACL GETUSER} on every other node (one connection per node, the requests of
 * one round written to all nodes before any reply is read; rounds start every poll-us) until
 * the new key pattern is visible on each. "one" = first other node that shows it, "all" = the
 * last of them. A change not visible everywhere within timeout-ms counts as a timeout (its
 * latency is then the timeout). Between changes: gap-ms plus a random 0..gap-ms, so changes
 * do not lock step with the agents' 1 s timers. Also reads redmesh_acl_propagation_seconds from
 * every node's metrics endpoint before and after, and reports the run's part of it. With --pids,
 * the nodes' CPU use (from /proc) at rest for idle-s seconds once ready, and during the run.
 */
public final class AclPropagationProbe {
    static final Pattern BUCKET = Pattern.compile(
            "^redmesh_acl_propagation_seconds_bucket\\{le=\"([^\"]+)\",?\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);
    static final Pattern SUM = Pattern.compile("^redmesh_acl_propagation_seconds_sum ([0-9.eE+-]+)$", Pattern.MULTILINE);

    /** A plain RESP2 connection that returns each reply's raw bytes. */
    static final class Conn implements AutoCloseable {
        final Socket s;
        final InputStream in;
        final OutputStream out;

        Conn(int port) throws IOException {
            s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(15000);
            in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
        }

        void send(String... args) throws IOException {
            StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
            for (String a : args) {
                byte[] x = a.getBytes(StandardCharsets.UTF_8);
                b.append('$').append(x.length).append("\r\n").append(a).append("\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }

        void flush() throws IOException {
            out.flush();
        }

        String read() throws IOException {
            StringBuilder b = new StringBuilder();
            readInto(b);
            return b.toString();
        }

        private String line(StringBuilder b) throws IOException {
            StringBuilder l = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                l.append((char) c);
            }
            in.read(); // \n
            b.append(l).append("\r\n");
            return l.toString();
        }

        private void readInto(StringBuilder b) throws IOException {
            int type = in.read();
            if (type < 0) {
                throw new IOException("connection closed");
            }
            b.append((char) type);
            String l = line(b);
            switch (type) {
                case '$' -> {
                    int n = Integer.parseInt(l);
                    if (n >= 0) {
                        byte[] x = in.readNBytes(n + 2);
                        b.append(new String(x, StandardCharsets.ISO_8859_1));
                    }
                }
                case '*' -> {
                    int n = Integer.parseInt(l);
                    for (int i = 0; i < n; i++) {
                        readInto(b);
                    }
                }
                default -> { }
            }
        }

        String call(String... args) throws IOException {
            send(args);
            flush();
            return read();
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> o = new TreeMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            o.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int[] ports = Arrays.stream(o.get("ports").split(",")).mapToInt(Integer::parseInt).toArray();
        int[] metrics = o.containsKey("metrics")
                ? Arrays.stream(o.get("metrics").split(",")).mapToInt(Integer::parseInt).toArray() : new int[0];
        int n = Integer.parseInt(o.getOrDefault("n", "500"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "30"));
        int gapMs = Integer.parseInt(o.getOrDefault("gap-ms", "20"));
        long pollNs = Long.parseLong(o.getOrDefault("poll-us", "1000")) * 1000;
        long timeoutNs = Long.parseLong(o.getOrDefault("timeout-ms", "10000")) * 1_000_000;
        int readyS = Integer.parseInt(o.getOrDefault("ready-s", "180"));
        int idleS = Integer.parseInt(o.getOrDefault("idle-s", "10"));
        long[] pids = o.containsKey("pids")
                ? Arrays.stream(o.get("pids").split(",")).mapToLong(Long::parseLong).toArray() : new long[0];
        int k = ports.length;

        Conn[] cmd = new Conn[k];
        Conn[] poll = new Conn[k];
        long readyStart = System.nanoTime();
        awaitReady(ports, readyS);
        System.out.printf("mesh ready: %d nodes, each sees %d members (%.1f s after the probe started)%n", k, k - 1,
                (System.nanoTime() - readyStart) / 1e9);
        for (int i = 0; i < k; i++) {
            cmd[i] = new Conn(ports[i]);
            poll[i] = new Conn(ports[i]);
        }
        if (pids.length > 0 && idleS > 0) {
            double c0 = cpuSeconds(pids);
            long w0 = System.nanoTime();
            Thread.sleep(idleS * 1000L);
            System.out.printf("node processes at rest (mesh formed, no clients): %.0f%% of one core for all %d together"
                    + " (%d s)%n", (cpuSeconds(pids) - c0) / ((System.nanoTime() - w0) / 1e9) * 100, k, idleS);
        }
        Map<String, double[]> before = scrape(metrics);
        double runCpu0 = cpuSeconds(pids);
        long runWall0 = System.nanoTime();

        List<long[]> rows = new ArrayList<>(); // origin, setuserRtt, one, all, per-node...
        Random rnd = new Random(42);
        int timeouts = 0;
        for (int i = 0; i < warmup + n; i++) {
            int origin = i % k;
            String user = "bench" + (i % 8);
            String marker = "~bm" + i + "\r\n";
            long[] seenAt = new long[k];
            Arrays.fill(seenAt, -1);
            seenAt[origin] = 0;
            int missing = k - 1;
            java.time.Instant wall = java.time.Instant.now();
            long t0 = System.nanoTime();
            cmd[origin].send("ACL", "SETUSER", user, "reset", "on", ">pw" + i, "~bm" + i, "+get");
            cmd[origin].flush();
            String ok = cmd[origin].read();
            long rtt = System.nanoTime() - t0;
            if (!ok.startsWith("+OK")) {
                throw new IllegalStateException("ACL SETUSER on node" + (origin + 1) + ": " + ok.strip());
            }
            long next = System.nanoTime();
            while (missing > 0) {
                long now = System.nanoTime();
                if (now - t0 > timeoutNs) {
                    break;
                }
                for (int j = 0; j < k; j++) {
                    if (seenAt[j] < 0) {
                        poll[j].send("ACL", "GETUSER", user);
                        poll[j].flush();
                    }
                }
                for (int j = 0; j < k; j++) {
                    if (seenAt[j] < 0) {
                        String r = poll[j].read();
                        if (r.contains(marker)) {
                            seenAt[j] = System.nanoTime() - t0;
                            missing--;
                        }
                    }
                }
                next += pollNs;
                long wait = next - System.nanoTime();
                if (missing > 0 && wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait <= 0) {
                    next = System.nanoTime();
                }
            }
            if (missing > 0) {
                if (i >= warmup) {
                    timeouts++;
                }
                for (int j = 0; j < k; j++) {
                    if (seenAt[j] < 0) {
                        seenAt[j] = timeoutNs;
                    }
                }
            }
            if (i >= warmup) {
                long one = Long.MAX_VALUE;
                long all = 0;
                long[] row = new long[5 + k];
                row[4 + k] = wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1000;
                for (int j = 0; j < k; j++) {
                    if (j != origin) {
                        one = Math.min(one, seenAt[j]);
                        all = Math.max(all, seenAt[j]);
                    }
                    row[4 + j] = seenAt[j] / 1000;
                }
                row[0] = origin + 1;
                row[1] = rtt / 1000;
                row[2] = one / 1000;
                row[3] = all / 1000;
                rows.add(row);
            }
            LockSupport.parkNanos((gapMs + rnd.nextInt(gapMs + 1)) * 1_000_000L);
        }
        double runCpu = cpuSeconds(pids) - runCpu0;
        double runWall = (System.nanoTime() - runWall0) / 1e9;
        Map<String, double[]> after = scrape(metrics);

        List<Long> one = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        List<Long> rtt = new ArrayList<>();
        for (long[] r : rows) {
            rtt.add(r[1]);
            one.add(r[2]);
            all.add(r[3]);
        }
        System.out.printf("%d ACL SETUSER changes (after %d warm-up), origin rotating over %d nodes, polled every %d us;"
                + " timeouts (> %d ms): %d%n", n, warmup, k, pollNs / 1000, timeoutNs / 1_000_000, timeouts);
        System.out.println("  SETUSER round trip on the origin: " + stats(rtt));
        System.out.println("  visible on one other node:        " + stats(one));
        System.out.println("  visible on all " + (k - 1) + " other nodes:     " + stats(all));
        for (int origin = 1; origin <= k; origin++) {
            List<Long> mine = new ArrayList<>();
            for (long[] r : rows) {
                if (r[0] == origin) {
                    mine.add(r[3]);
                }
            }
            if (!mine.isEmpty()) {
                System.out.println("    all others, origin node" + origin + ": " + stats(mine));
            }
        }
        reportHistogram(before, after);
        if (pids.length > 0) {
            System.out.printf("  node processes during the run: %.0f%% of one core for all %d together (%.1f s)%n",
                    runCpu / runWall * 100, k, runWall);
        }
        String csv = o.get("csv");
        if (csv != null) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(csv)))) {
                StringBuilder h = new StringBuilder("origin,setuser_us,one_us,all_us");
                for (int j = 1; j <= k; j++) {
                    h.append(",node").append(j).append("_us");
                }
                h.append(",t0_epoch_us");
                w.println(h);
                for (long[] r : rows) {
                    StringBuilder b = new StringBuilder();
                    for (int j = 0; j < r.length; j++) {
                        b.append(j == 0 ? "" : ",").append(r[j]);
                    }
                    w.println(b);
                }
            }
        }
        for (int i = 0; i < k; i++) {
            cmd[i].close();
            poll[i].close();
        }
    }

    /** utime + stime of the processes, from /proc (Linux; 0 when unreadable). */
    static double cpuSeconds(long[] pids) {
        double total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ = 100
            } catch (IOException | RuntimeException e) {
                // process gone or not Linux
            }
        }
        return total;
    }

    /** Until every node answers and sees all the others, synced; bounded. */
    static void awaitReady(int[] ports, int maxSeconds) throws Exception {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            int ready = 0;
            for (int p : ports) {
                try (Conn c = new Conn(p)) {
                    String info = c.call("INFO", "security");
                    // every other node listed as a reachable member (mesh_members counts this
                    // node too in later versions, so the member lines are what is counted)
                    int reachable = info.split("reachable=1", -1).length - 1;
                    if (reachable == ports.length - 1 && info.contains("mesh_synced:1\r\n")) {
                        ready++;
                    } else {
                        last = "port " + p + ": " + info.replace("\r\n", " ");
                    }
                } catch (IOException e) {
                    last = "port " + p + ": " + e.getMessage();
                }
            }
            if (ready == ports.length) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("mesh not ready after " + maxSeconds + " s; last: " + last);
    }

    /** Per node: {sum, count, bucket counts...} of redmesh_acl_propagation_seconds; le values in key "le". */
    static Map<String, double[]> scrape(int[] ports) {
        Map<String, double[]> out = new TreeMap<>();
        for (int p : ports) {
            try (Socket s = new Socket("127.0.0.1", p)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String body = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                List<Double> les = new ArrayList<>();
                List<Double> counts = new ArrayList<>();
                Matcher m = BUCKET.matcher(body);
                while (m.find()) {
                    les.add(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)));
                    counts.add(Double.parseDouble(m.group(2)));
                }
                Matcher sm = SUM.matcher(body);
                double sum = sm.find() ? Double.parseDouble(sm.group(1)) : 0;
                double[] v = new double[1 + counts.size()];
                v[0] = sum;
                for (int i = 0; i < counts.size(); i++) {
                    v[1 + i] = counts.get(i);
                }
                out.put("node:" + p, v);
                out.put("le", les.stream().mapToDouble(Double::doubleValue).toArray());
            } catch (IOException e) {
                System.out.println("  (metrics on port " + p + " not readable: " + e.getMessage() + ")");
            }
        }
        return out;
    }

    static void reportHistogram(Map<String, double[]> before, Map<String, double[]> after) {
        double[] le = after.get("le");
        if (le == null) {
            return;
        }
        double[] total = new double[le.length];
        double sum = 0;
        for (Map.Entry<String, double[]> e : after.entrySet()) {
            if (e.getKey().equals("le")) {
                continue;
            }
            double[] a = e.getValue();
            double[] b = before.getOrDefault(e.getKey(), new double[a.length]);
            sum += a[0] - b[0];
            for (int i = 0; i < le.length; i++) {
                total[i] += a[1 + i] - (b.length > 1 + i ? b[1 + i] : 0);
            }
        }
        double count = total[le.length - 1];
        if (count == 0) {
            System.out.println("  agents' redmesh_acl_propagation_seconds: no observations in the run");
            return;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < le.length; i++) {
            b.append(String.format(" <=%s:%.0f", Double.isInfinite(le[i]) ? "+Inf" : fmtMs(le[i]), total[i]));
        }
        System.out.printf("  agents' redmesh_acl_propagation_seconds over the run (all nodes, push deliveries): %.0f,"
                + " mean %.1f ms, p50 <= %s, p99 <= %s (bucket bounds)%n", count, sum / count * 1000,
                quantile(le, total, 0.50), quantile(le, total, 0.99));
        System.out.println("    cumulative buckets:" + b);
    }

    static String quantile(double[] le, double[] cumulative, double q) {
        double target = q * cumulative[cumulative.length - 1];
        for (int i = 0; i < le.length; i++) {
            if (cumulative[i] >= target) {
                return Double.isInfinite(le[i]) ? "+Inf" : fmtMs(le[i]);
            }
        }
        return "+Inf";
    }

    static String fmtMs(double seconds) {
        return String.format("%.0f ms", seconds * 1000);
    }

    static String stats(List<Long> micros) {
        List<Long> s = new ArrayList<>(micros);
        s.sort(null);
        return String.format("p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms", pct(s, 50) / 1000.0,
                pct(s, 90) / 1000.0, pct(s, 99) / 1000.0, s.get(s.size() - 1) / 1000.0);
    }

    static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}

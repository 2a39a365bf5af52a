package io.redmesh.node.command;

import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.Sparkline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The texts LATENCY DOCTOR and LATENCY GRAPH answer with, as Redis 7.0.15's latency.c writes
 * them (createLatencyReport, latencyCommandGenSparkeline): statistics per event, then the advice
 * the events call for. RedMesh has no fork, so the fork advice never applies.
 */
public final class LatencyReport {
    private static final int GRAPH_COLUMNS = 80;

    private LatencyReport() {}

    /** Redis's struct latencyStats for one event. */
    private record Stats(int samples, long avg, long mad, long period) {}

    /** analyzeLatencyForEvent(): sample count, average, mean absolute deviation, time span. */
    private static Stats analyze(List<LatencyMonitor.Sample> samples, long nowSeconds) {
        if (samples.isEmpty()) {
            return new Stats(0, 0, 0, 0);
        }
        long sum = 0;
        long oldest = 0;
        for (LatencyMonitor.Sample s : samples) {
            sum += s.latencyMillis();
            if (oldest == 0 || s.timeSeconds() < oldest) {
                oldest = s.timeSeconds();
            }
        }
        long avg = sum / samples.size();
        long period = nowSeconds - oldest;
        if (period == 0) {
            period = 1;
        }
        long deviations = 0;
        for (LatencyMonitor.Sample s : samples) {
            deviations += Math.abs(avg - s.latencyMillis());
        }
        return new Stats(samples.size(), avg, deviations / samples.size(), period);
    }

    /** createLatencyReport(). */
    public static String doctor(LatencyMonitor monitor, ServerConfig config) {
        List<String> events = monitor.eventNames();
        if (events.isEmpty() && monitor.thresholdMillis() == 0) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may "
                    + "use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't "
                    + "in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        Advice advice = new Advice();
        StringBuilder report = new StringBuilder();
        long now = System.currentTimeMillis() / 1000;
        long slowlogSlowerThan = config.getLong("slowlog-log-slower-than");
        long threshold = monitor.thresholdMillis();
        int eventnum = 0;
        for (String event : events) {
            eventnum++;
            if (eventnum == 1) {
                report.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
                        + "about it, do you Dave?\n\n");
            }
            Stats ls = analyze(monitor.history(event), now);
            report.append(eventnum).append(". ").append(event).append(": ").append(ls.samples())
                    .append(" latency spikes (average ").append(ls.avg()).append("ms, mean deviation ")
                    .append(ls.mad()).append("ms, period ")
                    .append(String.format(Locale.ROOT, "%.2f", (double) ls.period() / ls.samples()))
                    .append(" sec). Worst all time event ").append(monitor.allTimeMax(event)).append("ms.");
            advice.forEvent(event.toLowerCase(Locale.ROOT), slowlogSlowerThan, threshold);
            report.append('\n');
        }
        if (anonHugePagesBytes() > 0) {
            advice.disableThp = true;
            advice.count++;
        }
        if (eventnum == 0 && advice.count == 0) {
            report.append("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                    + "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think "
                    + "things over.\n");
        } else if (eventnum > 0 && advice.count == 0) {
            report.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use "
                    + "the Redis community to get some help, providing this report in your help request.\n");
        } else {
            report.append("\nI have a few advices for you:\n\n");
            advice.write(report, threshold, config);
        }
        return report.toString();
    }

    /** latencyCommandGenSparkeline(): a header, a rule, and the samples as a sparkline. */
    public static String graph(LatencyMonitor monitor, String event) {
        Sparkline line = new Sparkline();
        long min = 0;
        long max = 0;
        boolean first = true;
        long now = System.currentTimeMillis() / 1000;
        for (LatencyMonitor.Sample s : monitor.history(event)) {
            if (first) {
                min = max = s.latencyMillis();
                first = false;
            } else {
                max = Math.max(max, s.latencyMillis());
                min = Math.min(min, s.latencyMillis());
            }
            long elapsed = now - s.timeSeconds();
            String label = elapsed < 60 ? elapsed + "s" : elapsed < 3600 ? elapsed / 60 + "m"
                    : elapsed < 86400 ? elapsed / 3600 + "h" : elapsed / 86400 + "d";
            line.add(s.latencyMillis(), label);
        }
        return event + " - high " + max + " ms, low " + min + " ms (all time high " + monitor.allTimeMax(event)
                + " ms)\n" + "-".repeat(GRAPH_COLUMNS) + "\n" + line.render(GRAPH_COLUMNS, 4);
    }

    /**
     * Redis's THPGetAnonHugePagesSize(): transparent huge pages in use by this process make
     * latency worse, and the doctor says so. 0 where /proc cannot tell.
     */
    static long anonHugePagesBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not readable: no advice
        }
        return 0;
    }

    /** The advice flags of createLatencyReport(), set by events, written in Redis's order. */
    private static final class Advice {
        boolean slowlogEnabled;
        boolean slowlogTuning;
        boolean slowlogInspect;
        boolean diskContention;
        boolean scheduler;
        boolean dataWriteback;
        boolean noAppendfsync;
        boolean localDisk;
        boolean ssd;
        boolean writeLoadInfo;
        boolean hz;
        boolean largeObjects;
        boolean massEviction;
        boolean relaxFsyncPolicy;
        boolean disableThp;
        int count;

        void forEvent(String event, long slowlogSlowerThan, long threshold) {
            switch (event) {
                case "command" -> {
                    if (slowlogSlowerThan < 0) {
                        slowlogEnabled = true;
                        count++;
                    } else if (slowlogSlowerThan / 1000 > threshold) {
                        slowlogTuning = true;
                        count++;
                    }
                    slowlogInspect = true;
                    largeObjects = true;
                    count += 2;
                }
                case "fast-command" -> {
                    scheduler = true;
                    count++;
                }
                case "aof-write-pending-fsync" -> {
                    localDisk = diskContention = ssd = dataWriteback = true;
                    count += 4;
                }
                case "aof-write-active-child" -> {
                    noAppendfsync = dataWriteback = ssd = true;
                    count += 3;
                }
                case "aof-write-alone" -> {
                    localDisk = dataWriteback = ssd = true;
                    count += 3;
                }
                case "aof-fsync-always" -> {
                    relaxFsyncPolicy = true;
                    count++;
                }
                case "aof-fstat", "rdb-unlink-temp-file" -> {
                    diskContention = localDisk = true;
                    count += 2;
                }
                case "aof-rewrite-diff-write", "aof-rename" -> {
                    writeLoadInfo = dataWriteback = ssd = localDisk = true;
                    count += 4;
                }
                case "expire-cycle" -> {
                    hz = largeObjects = true;
                    count += 2;
                }
                case "eviction-del" -> {
                    largeObjects = true;
                    count++;
                }
                case "eviction-cycle" -> {
                    massEviction = true;
                    count++;
                }
                default -> { }
            }
        }

        void write(StringBuilder r, long threshold, ServerConfig config) {
            if (slowlogEnabled) {
                r.append("- There are latency issues with potentially slow commands you are using. Try to enable the "
                        + "Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ")
                        .append(threshold * 1000).append("'. If the Slow log is disabled Redis is not able to log "
                        + "slow commands execution for you.\n");
            }
            if (slowlogTuning) {
                r.append("- Your current Slow Log configuration only logs events that are slower than your configured "
                        + "latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ")
                        .append(threshold * 1000).append("'.\n");
            }
            if (slowlogInspect) {
                r.append("- Check your Slow Log to understand what are the commands you are running which are too "
                        + "slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
            }
            if (scheduler) {
                r.append("- The system is slow to execute Redis code paths not containing system calls. This usually "
                        + "means the system does not provide Redis CPU time to run for long periods. You should try "
                        + "to:\n  1) Lower the system load.\n  2) Use a computer / VM just for Redis if you are running "
                        + "other software in the same system.\n  3) Check if you have a \"noisy neighbour\" problem.\n"
                        + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your "
                        + "system.\n  5) Check if the problem is allocator-related by recompiling Redis with "
                        + "MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n");
            }
            if (localDisk) {
                r.append("- It is strongly advised to use local disks for persistence, especially if you are using "
                        + "AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n");
            }
            if (ssd) {
                r.append("- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF "
                        + "log rewriting (resulting in smaller memory usage and smaller final AOF rewrite buffer "
                        + "flushes). With extremely high write load SSD disks can be a good option. However Redis "
                        + "should perform reasonably with high load using normal disks. Use this advice as a last "
                        + "resort.\n");
            }
            if (dataWriteback) {
                r.append("- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared "
                        + "to data=ordered, however this mode of operation provides less guarantees, and sometimes it "
                        + "can happen that after a hard crash the AOF file will have a half-written command at the end "
                        + "and will require to be repaired before Redis restarts.\n");
            }
            if (diskContention) {
                r.append("- Try to lower the disk contention. This is often caused by other disk intensive processes "
                        + "running in the same computer (including other Redis instances).\n");
            }
            if (noAppendfsync) {
                r.append("- Assuming from the point of view of data safety this is viable in your environment, you "
                        + "could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be "
                        + "performed while there is a child rewriting the AOF file or producing an RDB file (the "
                        + "moment where there is high disk contention).\n");
            }
            if (relaxFsyncPolicy && config.getString("appendfsync").equals("always")) {
                r.append("- Your fsync policy is set to 'always'. It is very hard to get good performances with such "
                        + "a setup, if possible try to relax the fsync policy to 'onesec'.\n");
            }
            if (writeLoadInfo) {
                r.append("- Latency during the AOF atomic rename operation or when the final difference is flushed to "
                        + "the AOF file at the end of the rewrite, sometimes is caused by very high write load, "
                        + "causing the AOF buffer to get very large. If possible try to send less commands to "
                        + "accomplish the same work, or use Lua scripts to group multiple operations into a single "
                        + "EVALSHA call.\n");
            }
            if (hz && config.getLong("hz") < 100) {
                r.append("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' "
                        + "configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
            }
            if (largeObjects) {
                r.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking "
                        + "operation. If you have very large objects that are often deleted, expired, or evicted, try "
                        + "to fragment those objects into multiple smaller objects.\n");
            }
            if (massEviction) {
                r.append("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects "
                        + "via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys "
                        + "migrations (RESTORE command), may create sudden memory pressure forcing the server to block "
                        + "trying to evict keys. \n");
            }
            if (disableThp) {
                r.append("- I detected a non zero amount of anonymous huge pages used by your process. This creates "
                        + "very serious latency events in different conditions, especially when Redis is persisting on "
                        + "disk. To disable THP support use the command 'echo never > "
                        + "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so "
                        + "that the command will be executed again after a reboot. Note that even if you have already "
                        + "disabled THP, you still need to restart the Redis process to get rid of the huge pages "
                        + "already created.\n");
            }
        }
    }
}

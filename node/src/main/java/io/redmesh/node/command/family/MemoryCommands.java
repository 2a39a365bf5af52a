package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.MemoryEstimator;
import io.redmesh.node.util.Errors;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;

/**
 * MEMORY, over the keyspace's own accounting (db/MemoryEstimator, the figure used_memory and
 * maxmemory read), with Redis 7.0.15's replies.
 *
 * <pre>
 * MEMORY USAGE key [SAMPLES count]   bytes of the key's entry, name and value, or nil
 * MEMORY STATS                       getMemoryOverheadData()'s map, in 7.0.15's field order
 * MEMORY DOCTOR                      7.0's report texts, for the checks that apply to a JVM
 * MEMORY MALLOC-STATS                what the JVM holds: heap, non-heap, direct and mapped buffers
 * MEMORY PURGE                       a GC hint (System.gc), at most one a second
 * MEMORY HELP
 * </pre>
 *
 * SAMPLES is parsed and checked as Redis checks it, but changes nothing: Redis samples a few
 * elements of a big collection and extrapolates because walking it would cost O(n); every
 * collection here keeps its byte estimate up to date as it changes, so the exact figure costs
 * O(1) and sampling would only make it worse.
 */
final class MemoryCommands implements CommandFamily {
    /** MEMORY DOCTOR's threshold below which it declines to judge (Redis: 5 MB). */
    private static final long DOCTOR_MIN_BYTES = 5L << 20;
    /** MEMORY PURGE asks for a collection at most this often (see {@link #purge}). */
    private static final long PURGE_INTERVAL_NANOS = 60_000_000_000L;
    private long nextPurgeNanos = System.nanoTime();

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("memory|usage", MemoryCommands::usage)
         .bind("memory|stats", c -> MemoryOverhead.of(c.server).reply(c.reply))
         .bind("memory|doctor", c -> c.reply.verbatim(doctor(MemoryOverhead.of(c.server), c)))
         .bind("memory|malloc-stats", c -> c.reply.verbatim(mallocStats()))
         .bind("memory|purge", this::purge)
         .bind("memory|help", c -> Help.reply(c, "MEMORY",
                 "DOCTOR",
                 "    Return memory problems reports.",
                 "MALLOC-STATS",
                 "    Return internal statistics report from the memory allocator.",
                 "PURGE",
                 "    Attempt to purge dirty pages for reclamation by the allocator.",
                 "STATS",
                 "    Return information about the memory usage of the server.",
                 "USAGE <key> [SAMPLES <count>]",
                 "    Return memory in bytes used by <key> and its value. Nested values are",
                 "    sampled up to <count> times (default: 5, 0 means sample all)."));
    }

    /** memoryCommand()'s USAGE: options first (a bad one is an error even for a missing key). */
    static void usage(CommandContext c) {
        for (int j = 3; j < c.argc(); j++) {
            if (c.argIs(j, "SAMPLES") && j + 1 < c.argc()) {
                long samples = c.argLong(j + 1);
                if (samples < 0) {
                    throw Errors.E_SYNTAX;
                }
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        // dictFind, not a lookup: a logically expired key is still measured, nothing is touched
        DictEntry e = c.db().dict().find(c.arg(2));
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        c.reply.integer(MemoryEstimator.usage(e));
    }

    /** getMemoryDoctorReport(). */
    static String doctor(MemoryOverhead mh, CommandContext c) {
        if (mh.totalAllocated < DOCTOR_MIN_BYTES) {
            return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used "
                    + "in these conditions. Please, leave for your mission on Earth and fill it with some data. The new "
                    + "Sam and I will be back to our programming as soon as I finished rebooting.\n";
        }
        // The fragmentation and RSS checks are left out: they compare the allocator's pages with
        // the bytes Redis asked for, and a JVM's resident set is its heap as the GC sized it, not
        // fragmentation; they would fire on every node and say nothing.
        StringBuilder s = new StringBuilder();
        if ((float) mh.peakAllocated / mh.totalAllocated > 1.5) {
            s.append(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. "
                    + "The allocator is normally not able to release memory after a peak, so you can expect to see a big "
                    + "fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if "
                    + "the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be "
                    + "used as soon as you fill the Redis instance with more data. If the memory peak was only occasional "
                    + "and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only "
                    + "other option is to shutdown and restart the instance.\n\n");
        }
        if (mh.replicas > 0 && mh.clientsReplicas / mh.replicas > (10L << 20)) {
            s.append(" * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each "
                    + "replica (on average). This likely means that there is some replica instance that is struggling "
                    + "receiving data, either because it is too slow or because of networking issues. As a result, data "
                    + "piles on the master output buffers. Please try to identify what replica is not receiving data "
                    + "correctly and why. You can use the INFO output in order to check the replicas delays and the "
                    + "CLIENT LIST command to check the output buffers of each replica.\n\n");
        }
        if (mh.normalClients > 0 && mh.clientsNormal / mh.normalClients > 1024 * 200) {
            s.append(" * Big client buffers: The clients output buffers in this instance are greater than 200K per client "
                    + "(on average). This may result from different causes, like Pub/Sub clients subscribed to channels "
                    + "bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or "
                    + "clients sending commands with large replies or very large sequences of commands in the same "
                    + "pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes "
                    + "problems in your instance, or to understand better why certain clients are using a big amount of "
                    + "memory.\n\n");
        }
        if (c.server.scripting() != null && c.server.scripting().count() > 1000) {
            s.append(" * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be "
                    + "because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), "
                    + "`SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches "
                    + "may end up consuming most of your memory.\n\n");
        }
        if (s.length() == 0) {
            return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
        }
        return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + s
                + "I'm here to keep you safe, Sam. I want to help you.\n";
    }

    /** jemalloc's stats have no JVM equivalent; this is what the JVM itself says it holds. */
    static String mallocStats() {
        StringBuilder sb = new StringBuilder("___ Begin JVM memory statistics ___\n");
        sb.append("Runtime: ").append(System.getProperty("java.vm.name")).append(' ')
          .append(System.getProperty("java.vm.version")).append('\n');
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        usageLine(sb, "heap", heap);
        usageLine(sb, "non-heap", nonHeap);
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            usageLine(sb, "pool " + pool.getName(), pool.getUsage());
        }
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sb.append(String.format(Locale.ROOT, "buffers %s: count=%d used=%d capacity=%d%n", pool.getName(),
                    pool.getCount(), pool.getMemoryUsed(), pool.getTotalCapacity()));
        }
        sb.append("rss: ").append(InfoCommand.rss()).append('\n');
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sb.append(String.format(Locale.ROOT, "gc %s: collections=%d time_ms=%d%n", gc.getName(),
                    gc.getCollectionCount(), gc.getCollectionTime()));
        }
        return sb.append("--- End JVM memory statistics ---\n").toString();
    }

    private static void usageLine(StringBuilder sb, String name, MemoryUsage u) {
        if (u == null) {
            return;
        }
        sb.append(String.format(Locale.ROOT, "%s: used=%d committed=%d max=%d%n", name, u.getUsed(), u.getCommitted(),
                u.getMax()));
    }

    /**
     * Redis returns freed pages to the OS (jemalloc's purge); the JVM's equivalent is a collection,
     * after which the GC may uncommit heap. System.gc() is a full stop-the-world collection with
     * the launcher's collector, seconds on a large heap, and MEMORY PURGE is only @slow: the next
     * one is asked no sooner than 60 s, or 50 times the last one's duration, after the last ended,
     * so a client looping on it cannot keep the node paused. Between those it answers OK, as
     * Redis's purge is only an attempt too.
     */
    void purge(CommandContext c) {
        long now = System.nanoTime();
        if (now >= nextPurgeNanos) {
            System.gc();
            long end = System.nanoTime();
            nextPurgeNanos = end + Math.max(PURGE_INTERVAL_NANOS, 50 * (end - now));
        }
        c.reply.ok();
    }
}

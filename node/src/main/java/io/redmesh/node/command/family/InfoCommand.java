package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.db.Database;
import io.redmesh.node.spi.InfoSection;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO [section ...]: Redis 7.0's sections and field names, so monitoring that parses Redis's
 * INFO keeps working. "default" is server, clients, memory, persistence, stats, replication, cpu,
 * modules, errorstats, cluster, keyspace; "all" adds commandstats and latencystats; sections
 * contributed by upper modules (spi.InfoSection) follow.
 */
final class InfoCommand {
    private InfoCommand() {}

    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

    /** sentinelInfoCommand(): a sentinel has these sections only, and they are also its default. */
    private static final List<String> SENTINEL = List.of("server", "clients", "cpu", "stats", "sentinel");

    static void info(CommandContext c) {
        if (c.server.sentinelMode()) {
            sentinelInfo(c);
            return;
        }
        Set<String> wanted = new LinkedHashSet<>();
        boolean all = false;
        if (c.argc() == 1) {
            wanted.addAll(DEFAULT);
        }
        for (int i = 1; i < c.argc(); i++) {
            String s = c.argLower(i);
            switch (s) {
                case "default":
                    wanted.addAll(DEFAULT);
                    break;
                case "all":
                case "everything":
                    all = true;
                    wanted.addAll(DEFAULT);
                    wanted.add("commandstats");
                    wanted.add("latencystats");
                    break;
                default:
                    wanted.add(s);
            }
        }
        c.reply.verbatim(render(c.server, c.session, wanted, all));
    }

    /**
     * INFO on a sentinel: "default", "all" and "everything" mean the five sentinel sections, other
     * names are kept only if they are among them; the sentinel section (the module's) comes last.
     */
    private static void sentinelInfo(CommandContext c) {
        Set<String> wanted = new LinkedHashSet<>();
        if (c.argc() == 1) {
            wanted.addAll(SENTINEL);
        }
        for (int i = 1; i < c.argc(); i++) {
            String s = c.argLower(i);
            if (s.equals("default") || s.equals("all") || s.equals("everything")) {
                wanted.addAll(SENTINEL);
            } else if (SENTINEL.contains(s)) {
                wanted.add(s);
            }
        }
        c.reply.verbatim(render(c.server, c.session, wanted, false));
    }

    /** Every built-in section, in the order genRedisInfoString() writes them. */
    private static final List<String> BUILTIN = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");

    /** INFO {@code section} as a client would read it (the "# Title" header included); under the lock. */
    static String section(ServerContext srv, String section) {
        return render(srv, null, Set.of(section.toLowerCase(java.util.Locale.ROOT)), false);
    }

    static String render(ServerContext srv, Session self, Set<String> wanted, boolean all) {
        StringBuilder sb = new StringBuilder();
        for (String section : BUILTIN) {
            if (!wanted.contains(section)) {
                continue;
            }
            boolean overridden = false;
            for (InfoSection extra : srv.infoSections()) {
                if (extra.name().equals(section)) {
                    header(sb, section);
                    sb.append(extra.render());
                    overridden = true;
                }
            }
            if (!overridden) {
                header(sb, section);
                appendSection(sb, srv, section);
            }
        }
        for (InfoSection extra : srv.infoSections()) {
            boolean builtin = BUILTIN.contains(extra.name());
            if (!builtin && (all || wanted.contains(extra.name()))) {
                header(sb, extra.name());
                sb.append(extra.render());
            }
        }
        // Redis separates sections with a blank line and ends without one.
        String out = sb.toString();
        if (out.startsWith("\r\n")) {
            out = out.substring(2);
        }
        return out;
    }

    private static void header(StringBuilder sb, String section) {
        String title = switch (section) {
            case "cpu" -> "CPU";
            case "errorstats" -> "Errorstats";
            case "commandstats" -> "Commandstats";
            case "latencystats" -> "Latencystats";
            default -> Character.toUpperCase(section.charAt(0)) + section.substring(1);
        };
        sb.append("\r\n# ").append(title).append("\r\n");
    }

    private static void line(StringBuilder sb, String k, Object v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }

    private static void appendSection(StringBuilder sb, ServerContext srv, String section) {
        switch (section) {
            case "server": server(sb, srv); break;
            case "clients": clients(sb, srv); break;
            case "memory": memory(sb, srv); break;
            case "persistence": persistence(sb, srv); break;
            case "stats": stats(sb, srv); break;
            case "replication": replication(sb, srv); break;
            case "cpu": cpu(sb); break;
            case "errorstats":
                for (Map.Entry<String, Long> e : srv.stats.errorCounts().entrySet()) {
                    line(sb, "errorstat_" + e.getKey(), "count=" + e.getValue());
                }
                break;
            case "cluster": line(sb, "cluster_enabled", 0); break;
            case "keyspace": keyspace(sb, srv); break;
            case "commandstats": commandstats(sb, srv); break;
            case "latencystats": latencystats(sb, srv); break;
            default: break;
        }
    }

    private static void server(StringBuilder sb, ServerContext srv) {
        long uptime = (System.currentTimeMillis() - srv.startMillis) / 1000;
        line(sb, "redis_version", ServerContext.REDIS_VERSION);
        line(sb, "redis_git_sha1", "00000000");
        line(sb, "redis_git_dirty", 0);
        line(sb, "redis_build_id", "redmesh" + ServerContext.REDMESH_VERSION.replace(".", ""));
        line(sb, "redis_mode", srv.sentinelMode() ? "sentinel" : "standalone");
        line(sb, "redmesh_version", ServerContext.REDMESH_VERSION);
        String arch = System.getProperty("os.arch");
        // uname's machine name, as Redis prints it (the JVM says "amd64" for x86_64)
        line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + (arch.equals("amd64") ? "x86_64" : arch));
        line(sb, "arch_bits", 64);
        line(sb, "monotonic_clock", "POSIX clock_gettime");
        line(sb, "multiplexing_api", io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio");
        line(sb, "atomicvar_api", "java.util.concurrent");
        line(sb, "gcc_version", "0.0.0");
        line(sb, "java_version", System.getProperty("java.version"));
        line(sb, "process_id", ProcessHandle.current().pid());
        line(sb, "process_supervised", "no");
        line(sb, "run_id", srv.runId);
        line(sb, "tcp_port", srv.tcpPort());
        java.time.Instant now = java.time.Instant.now();
        line(sb, "server_time_usec", now.getEpochSecond() * 1_000_000 + now.getNano() / 1000);
        line(sb, "uptime_in_seconds", uptime);
        line(sb, "uptime_in_days", uptime / 86400);
        line(sb, "hz", srv.config.getLong("hz"));
        line(sb, "configured_hz", srv.config.getLong("hz"));
        line(sb, "lru_clock", (System.currentTimeMillis() / 1000) & ((1 << 24) - 1));
        line(sb, "executable", srv.executable());
        line(sb, "config_file", srv.configFilePath());
        line(sb, "io_threads_active", 0);
    }

    private static void clients(StringBuilder sb, ServerContext srv) {
        int pubsub = 0;
        int tracking = 0;
        int watching = 0;
        long watchedKeys = 0;
        long maxIn = 0;
        long maxOut = 0;
        for (Session s : srv.sessions()) {
            if (s.isSubscriber()) {
                pubsub++;
            }
            if (s.watchedCount() > 0) {
                watching++;
                watchedKeys += s.watchedCount();
            }
            maxOut = Math.max(maxOut, s.heldOutputBytes());
        }
        line(sb, "connected_clients", srv.sessions.size());
        line(sb, "cluster_connections", 0);
        line(sb, "maxclients", srv.config.getLong("maxclients"));
        line(sb, "client_recent_max_input_buffer", maxIn);
        line(sb, "client_recent_max_output_buffer", maxOut);
        line(sb, "blocked_clients", srv.blocking.blockedClients());
        line(sb, "tracking_clients", tracking);
        line(sb, "clients_in_timeout_table", srv.blocking.blockedClients());
        line(sb, "pubsub_clients", pubsub);
        line(sb, "watching_clients", watching);
        line(sb, "total_watched_keys", watchedKeys);
        line(sb, "total_blocking_keys", srv.blocking.blockedKeys());
    }

    static String human(long bytes) {
        double b = bytes;
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        int i = -1;
        while (b >= 1024 && i < units.length - 1) {
            b /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.2f%s", b, units[i]);
    }

    private static void memory(StringBuilder sb, ServerContext srv) {
        long used = srv.keyspace.usedBytes();
        long peak = Math.max(srv.stats.peakUsedMemory, used);
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory();
        long rss = rss();
        long maxmemory = srv.config.getLong("maxmemory");
        line(sb, "used_memory", used);
        line(sb, "used_memory_human", human(used));
        line(sb, "used_memory_rss", rss);
        line(sb, "used_memory_rss_human", human(rss));
        line(sb, "used_memory_peak", peak);
        line(sb, "used_memory_peak_human", human(peak));
        line(sb, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peak == 0 ? 100.0 : used * 100.0 / peak));
        line(sb, "used_memory_overhead", 0);
        line(sb, "used_memory_startup", 0);
        line(sb, "used_memory_dataset", used);
        line(sb, "used_memory_dataset_perc", "100.00%");
        line(sb, "allocator_allocated", heap - rt.freeMemory());
        line(sb, "allocator_active", heap);
        line(sb, "allocator_resident", rss);
        line(sb, "total_system_memory", totalSystemMemory());
        line(sb, "total_system_memory_human", human(totalSystemMemory()));
        line(sb, "used_memory_lua", 0);
        line(sb, "used_memory_vm_eval", 0);
        line(sb, "used_memory_lua_human", "0B");
        line(sb, "used_memory_scripts_eval", 0);
        line(sb, "number_of_cached_scripts", 0);
        line(sb, "number_of_functions", 0);
        line(sb, "number_of_libraries", 0);
        line(sb, "used_memory_vm_functions", 0);
        line(sb, "used_memory_vm_total", 0);
        line(sb, "used_memory_vm_total_human", "0B");
        line(sb, "used_memory_functions", 0);
        line(sb, "used_memory_scripts", 0);
        line(sb, "used_memory_scripts_human", "0B");
        line(sb, "maxmemory", maxmemory);
        line(sb, "maxmemory_human", human(maxmemory));
        line(sb, "maxmemory_policy", srv.config.getString("maxmemory-policy"));
        line(sb, "allocator_frag_ratio", "1.00");
        line(sb, "allocator_frag_bytes", 0);
        line(sb, "allocator_rss_ratio", "1.00");
        line(sb, "allocator_rss_bytes", 0);
        line(sb, "rss_overhead_ratio", "1.00");
        line(sb, "rss_overhead_bytes", 0);
        line(sb, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 1.0 : (double) rss / used));
        line(sb, "mem_fragmentation_bytes", rss - used);
        line(sb, "mem_not_counted_for_evict", 0);
        line(sb, "mem_replication_backlog", srv.replicationMemory().backlog());
        line(sb, "mem_total_replication_buffers", srv.replicationMemory().total());
        line(sb, "mem_clients_slaves", srv.replicationMemory().replicas());
        line(sb, "mem_clients_normal", 0);
        line(sb, "mem_cluster_links", srv.clusterLinksMemory());
        line(sb, "mem_aof_buffer", 0);
        line(sb, "mem_allocator", "jvm");
        line(sb, "active_defrag_running", 0);
        line(sb, "lazyfree_pending_objects", 0);
        line(sb, "lazyfreed_objects", 0);
        line(sb, "jvm_heap_used", heap - rt.freeMemory());
        line(sb, "jvm_heap_max", rt.maxMemory());
    }

    /** Resident set size from /proc (the figure Redis reports as used_memory_rss). */
    static long rss() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // fall through
        }
        return Runtime.getRuntime().totalMemory();
    }

    private static long totalSystemMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return 0;
    }

    private static void persistence(StringBuilder sb, ServerContext srv) {
        line(sb, "loading", 0);
        line(sb, "async_loading", 0);
        String rdb = srv.persistence().info();
        if (rdb != null) {
            sb.append(rdb); // current_cow_peak .. rdb_last_load_keys_loaded
        } else {
            line(sb, "current_cow_peak", 0);
            line(sb, "current_cow_size", 0);
            line(sb, "current_cow_size_age", 0);
            line(sb, "current_fork_perc", "0.00");
            line(sb, "current_save_keys_processed", 0);
            line(sb, "current_save_keys_total", 0);
            line(sb, "rdb_changes_since_last_save", srv.dirty());
            line(sb, "rdb_bgsave_in_progress", 0);
            line(sb, "rdb_last_save_time", srv.lastSaveSeconds());
            line(sb, "rdb_last_bgsave_status", "ok");
            line(sb, "rdb_last_bgsave_time_sec", -1);
            line(sb, "rdb_current_bgsave_time_sec", -1);
            line(sb, "rdb_saves", 0);
            line(sb, "rdb_last_cow_size", 0);
            line(sb, "rdb_last_load_keys_expired", 0);
            line(sb, "rdb_last_load_keys_loaded", 0);
        }
        String[] aof = srv.persistence().aofInfo();
        if (aof != null) {
            sb.append(aof[0]);
        } else {
            line(sb, "aof_enabled", 0);
            line(sb, "aof_rewrite_in_progress", 0);
            line(sb, "aof_rewrite_scheduled", 0);
            line(sb, "aof_last_rewrite_time_sec", -1);
            line(sb, "aof_current_rewrite_time_sec", -1);
            line(sb, "aof_last_bgrewrite_status", "ok");
            line(sb, "aof_rewrites", 0);
            line(sb, "aof_rewrites_consecutive_failures", 0);
            line(sb, "aof_last_write_status", "ok");
            line(sb, "aof_last_cow_size", 0);
        }
        line(sb, "module_fork_in_progress", 0);
        line(sb, "module_fork_last_cow_size", 0);
        if (aof != null) {
            sb.append(aof[1]); // aof_current_size ... while AOF is on
        }
        sb.append(srv.persistence().encryptionInfo()); // RedMesh: encryption at rest (persist/seal)
    }

    private static void stats(StringBuilder sb, ServerContext srv) {
        long uptime = Math.max(1, (System.currentTimeMillis() - srv.startMillis) / 1000);
        var st = srv.stats;
        var ks = srv.keyspace.stats;
        line(sb, "total_connections_received", st.totalConnections);
        line(sb, "total_commands_processed", st.totalCommands);
        line(sb, "instantaneous_ops_per_sec", st.totalCommands / uptime);
        line(sb, "total_net_input_bytes", st.netInputBytes);
        line(sb, "total_net_output_bytes", st.netOutputBytes);
        line(sb, "total_net_repl_input_bytes", st.netReplInputBytes);
        line(sb, "total_net_repl_output_bytes", st.netReplOutputBytes);
        line(sb, "instantaneous_input_kbps", "0.00");
        line(sb, "instantaneous_output_kbps", "0.00");
        line(sb, "instantaneous_input_repl_kbps", "0.00");
        line(sb, "instantaneous_output_repl_kbps", "0.00");
        line(sb, "rejected_connections", st.rejectedConnections);
        line(sb, "sync_full", st.syncFull);
        line(sb, "sync_partial_ok", st.syncPartialOk);
        line(sb, "sync_partial_err", st.syncPartialErr);
        line(sb, "expired_keys", ks.expiredKeys);
        line(sb, "expired_stale_perc", "0.00");
        line(sb, "expired_time_cap_reached_count", 0);
        line(sb, "expire_cycle_cpu_milliseconds", ks.expireCycleCpuMillis);
        line(sb, "evicted_keys", ks.evictedKeys);
        line(sb, "evicted_clients", 0);
        line(sb, "total_eviction_exceeded_time", 0);
        line(sb, "current_eviction_exceeded_time", 0);
        line(sb, "keyspace_hits", ks.keyspaceHits);
        line(sb, "keyspace_misses", ks.keyspaceMisses);
        line(sb, "pubsub_channels", srv.pubsub.channelCount());
        line(sb, "pubsub_patterns", srv.pubsub.patternCount());
        line(sb, "pubsubshard_channels", 0);
        line(sb, "latest_fork_usec", 0);
        line(sb, "total_forks", 0);
        line(sb, "migrate_cached_sockets", 0);
        line(sb, "slave_expires_tracked_keys", 0);
        line(sb, "active_defrag_hits", 0);
        line(sb, "active_defrag_misses", 0);
        line(sb, "active_defrag_key_hits", 0);
        line(sb, "active_defrag_key_misses", 0);
        line(sb, "total_active_defrag_time", 0);
        line(sb, "current_active_defrag_time", 0);
        line(sb, "tracking_total_keys", 0);
        line(sb, "tracking_total_items", 0);
        line(sb, "tracking_total_prefixes", 0);
        line(sb, "unexpected_error_replies", st.unexpectedErrorReplies);
        line(sb, "total_error_replies", st.totalErrorReplies);
        line(sb, "dump_payload_sanitizations", 0);
        line(sb, "total_reads_processed", st.totalCommands);
        line(sb, "total_writes_processed", st.totalCommands);
        line(sb, "io_threaded_reads_processed", 0);
        line(sb, "io_threaded_writes_processed", 0);
        line(sb, "reply_buffer_shrinks", 0);
        line(sb, "reply_buffer_expands", 0);
        // Redis 7.2's ACL denial counters (7.0.15 has none); RedMesh adds them at the end.
        sb.append(srv.accessControl().infoStats());
        line(sb, "tls_handshakes_ok", st.tlsHandshakesOk);
        line(sb, "tls_handshakes_failed", st.tlsHandshakesFailed);
    }

    private static void replication(StringBuilder sb, ServerContext srv) {
        line(sb, "role", "master");
        line(sb, "connected_slaves", 0);
        line(sb, "master_failover_state", "no-failover");
        line(sb, "master_replid", srv.runId);
        line(sb, "master_replid2", "0000000000000000000000000000000000000000");
        line(sb, "master_repl_offset", 0);
        line(sb, "second_repl_offset", -1);
        line(sb, "repl_backlog_active", 0);
        line(sb, "repl_backlog_size", srv.config.getLong("repl-backlog-size"));
        line(sb, "repl_backlog_first_byte_offset", 0);
        line(sb, "repl_backlog_histlen", 0);
    }

    private static void cpu(StringBuilder sb) {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        double sys = 0;
        double user = 0;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            double total = sun.getProcessCpuTime() / 1e9;
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            double u = 0;
            for (long id : t.getAllThreadIds()) {
                long ut = t.getThreadUserTime(id);
                if (ut > 0) {
                    u += ut / 1e9;
                }
            }
            user = Math.min(u, total);
            sys = Math.max(0, total - user);
        }
        line(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
        line(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        line(sb, "used_cpu_sys_children", "0.000000");
        line(sb, "used_cpu_user_children", "0.000000");
        line(sb, "used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", sys));
        line(sb, "used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", user));
    }

    private static void keyspace(StringBuilder sb, ServerContext srv) {
        for (Database db : srv.keyspace.all()) {
            if (db.size() == 0) {
                continue;
            }
            line(sb, "db" + db.index, "keys=" + db.size() + ",expires=" + db.expiresSize() + ",avg_ttl=" + db.avgTtl());
        }
    }

    private static void commandstats(StringBuilder sb, ServerContext srv) {
        List<CommandSpec> all = new ArrayList<>(srv.table().all());
        all.sort((a, b) -> a.fullName.compareTo(b.fullName));
        for (CommandSpec s : all) {
            if (s.calls == 0 && s.failedCalls == 0 && s.rejectedCalls == 0) {
                continue;
            }
            line(sb, "cmdstat_" + s.fullName, "calls=" + s.calls + ",usec=" + s.microseconds + ",usec_per_call="
                    + String.format(Locale.ROOT, "%.2f", s.calls == 0 ? 0.0 : (double) s.microseconds / s.calls)
                    + ",rejected_calls=" + s.rejectedCalls + ",failed_calls=" + s.failedCalls);
        }
    }

    /**
     * latency_percentiles_usec_&lt;command&gt;:p50=...,p99=...: each called command's latency at the
     * latency-tracking-info-percentiles, in microseconds with three decimals.
     */
    private static void latencystats(StringBuilder sb, ServerContext srv) {
        String[] pcts = srv.config.getString("latency-tracking-info-percentiles").split(" ");
        for (CommandSpec s : srv.table().all()) {
            io.redmesh.node.command.LatencyHistogram h = s.latency;
            if (h == null || h.count() == 0) {
                continue;
            }
            StringBuilder v = new StringBuilder();
            for (String p : pcts) {
                if (p.isEmpty()) {
                    continue;
                }
                if (v.length() > 0) {
                    v.append(',');
                }
                v.append('p').append(p).append('=').append(String.format(Locale.ROOT, "%.3f",
                        h.valueAtPercentile(Double.parseDouble(p)) / 1000.0));
            }
            line(sb, "latency_percentiles_usec_" + s.fullName, v);
        }
    }
}

package io.redmesh.node.command.family;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.db.Database;
import io.redmesh.node.resp.Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis's getMemoryOverheadData(), from this node's accounting: total.allocated is used_memory
 * (the keyspace's estimate, what maxmemory compares), the overheads are the dict tables, the
 * clients' held output, the replication memory the replication module reports and the script
 * cache; the allocator fields are the JVM heap (allocated = used, active = committed) and the
 * process's resident set. MEMORY STATS replies with it, MEMORY DOCTOR judges it, INFO memory's
 * overhead and dataset fields come from it.
 */
final class MemoryOverhead {
    /** One database with keys: its dict tables (main, expires), as Redis lists only those. */
    record DbOverhead(int id, long main, long expires) {}

    long peakAllocated;
    long totalAllocated;
    /** used_memory counts only the keyspace, so nothing of it was there at start-up. */
    long startupAllocated;
    long replBacklog;
    long clientsReplicas;
    long clientsNormal;
    long replicas;
    long normalClients;
    long clusterLinks;
    long luaCaches;
    int cachedScripts;
    long overheadTotal;
    long totalKeys;
    long bytesPerKey;
    long dataset;
    float datasetPerc;
    float peakPerc;
    long allocatorAllocated;
    long allocatorActive;
    long allocatorResident;
    long processRss;
    final List<DbOverhead> dbs = new ArrayList<>();

    static MemoryOverhead of(ServerContext srv) {
        MemoryOverhead m = new MemoryOverhead();
        m.totalAllocated = srv.keyspace.usedBytes();
        m.peakAllocated = Math.max(srv.stats.peakUsedMemory, m.totalAllocated);
        m.replBacklog = srv.replicationMemory().backlog();
        m.clientsReplicas = srv.replicationMemory().replicas();
        for (Session s : srv.sessions()) {
            if (s.isReplica()) {
                m.replicas++;
            } else {
                m.normalClients++;
                m.clientsNormal += s.heldOutputBytes();
            }
        }
        m.clusterLinks = srv.clusterLinksMemory();
        m.luaCaches = srv.scripting() == null ? 0 : srv.scripting().cacheBytes();
        m.cachedScripts = srv.scripting() == null ? 0 : srv.scripting().count();
        long overhead = m.startupAllocated + m.replBacklog + m.clientsReplicas + m.clientsNormal + m.clusterLinks
                + m.luaCaches;
        for (Database db : srv.keyspace.all()) {
            if (db.size() == 0) {
                continue;
            }
            long main = db.dict().overheadBytes();
            long expires = db.volatileDict().overheadBytes();
            m.dbs.add(new DbOverhead(db.index, main, expires));
            overhead += main + expires;
            m.totalKeys += db.size();
        }
        // the dict tables are part of the keyspace's estimate: overhead cannot exceed the total
        m.overheadTotal = overhead;
        long net = m.totalAllocated - m.startupAllocated;
        m.bytesPerKey = m.totalKeys == 0 ? 0 : net / m.totalKeys;
        m.dataset = Math.max(0, m.totalAllocated - m.overheadTotal);
        m.datasetPerc = net <= 0 ? 0f : (float) (m.dataset * 100.0 / net);
        m.peakPerc = m.peakAllocated == 0 ? 0f : (float) (m.totalAllocated * 100.0 / m.peakAllocated);
        Runtime rt = Runtime.getRuntime();
        m.allocatorActive = rt.totalMemory();
        m.allocatorAllocated = m.allocatorActive - rt.freeMemory();
        m.processRss = InfoCommand.rss();
        m.allocatorResident = m.processRss;
        return m;
    }

    /** MEMORY STATS: 7.0.15's fields in its order (a map in RESP3, a flat array in RESP2). */
    void reply(Reply r) {
        r.map(27 + dbs.size());
        field(r, "peak.allocated", peakAllocated);
        field(r, "total.allocated", totalAllocated);
        field(r, "startup.allocated", startupAllocated);
        field(r, "replication.backlog", replBacklog);
        field(r, "clients.slaves", clientsReplicas);
        field(r, "clients.normal", clientsNormal);
        field(r, "cluster.links", clusterLinks);
        field(r, "aof.buffer", 0);
        field(r, "lua.caches", luaCaches);
        field(r, "functions.caches", 0);
        for (DbOverhead d : dbs) {
            r.bulk("db." + d.id());
            r.map(3);
            field(r, "overhead.hashtable.main", d.main());
            field(r, "overhead.hashtable.expires", d.expires());
            // db/SlotIndex's per-slot sets are counted with the keys they index
            field(r, "overhead.hashtable.slot-to-keys", 0);
        }
        field(r, "overhead.total", overheadTotal);
        field(r, "keys.count", totalKeys);
        field(r, "keys.bytes-per-key", bytesPerKey);
        field(r, "dataset.bytes", dataset);
        ratio(r, "dataset.percentage", datasetPerc);
        ratio(r, "peak.percentage", peakPerc);
        field(r, "allocator.allocated", allocatorAllocated);
        field(r, "allocator.active", allocatorActive);
        field(r, "allocator.resident", allocatorResident);
        ratio(r, "allocator-fragmentation.ratio", ratio(allocatorActive, allocatorAllocated));
        field(r, "allocator-fragmentation.bytes", allocatorActive - allocatorAllocated);
        ratio(r, "allocator-rss.ratio", ratio(allocatorResident, allocatorActive));
        field(r, "allocator-rss.bytes", allocatorResident - allocatorActive);
        ratio(r, "rss-overhead.ratio", ratio(processRss, allocatorResident));
        field(r, "rss-overhead.bytes", processRss - allocatorResident);
        ratio(r, "fragmentation", ratio(processRss, totalAllocated));
        field(r, "fragmentation.bytes", processRss - totalAllocated);
    }

    /** Redis keeps these as floats and replies with the float widened to a double. */
    private static float ratio(long a, long b) {
        return b == 0 ? 0f : (float) a / b;
    }

    private static void field(Reply r, String name, long v) {
        r.bulk(name);
        r.integer(v);
    }

    private static void ratio(Reply r, String name, float v) {
        r.bulk(name);
        r.dbl(v);
    }
}

package io.redmesh.cluster.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * nodes.conf in Redis 7.0's format (clusterLoadConfig / clusterSaveConfig): one line per node as
 * CLUSTER NODES prints it, then {@code vars currentEpoch <n> lastVoteEpoch <n>}. Saved atomically
 * (temp file, rename), so a killed process leaves the old or the new file; with {@code fsync}
 * (the caller asks when epochs or votes changed, as Redis does) the temp file and the directory
 * are fsynced too, so an OS crash does as well. The file is locked while the node runs: two
 * nodes must never share one.
 */
public final class NodesFile {
    /** The file cannot be used; the message is what redis-server logs before exiting. */
    public static final class Corrupt extends Exception {
        private static final long serialVersionUID = 1L;

        public Corrupt(String message) {
            super(message);
        }
    }

    private final Path path;
    private FileChannel lockChannel;
    private FileLock lock;

    public NodesFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** clusterLockConfig: refuses a file another running node holds. */
    public void lock() throws Corrupt {
        try {
            Path lockPath = path.resolveSibling(path.getFileName() + ".lock");
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (lock == null) {
                throw new Corrupt("Sorry, the cluster configuration file " + path.getFileName()
                        + " is already used by a different Redis Cluster node. Please make sure that different nodes "
                        + "use different cluster configuration files.");
            }
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            throw new Corrupt("Sorry, the cluster configuration file " + path.getFileName()
                    + " is already used by a different Redis Cluster node. Please make sure that different nodes use "
                    + "different cluster configuration files.");
        }
    }

    public void unlock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // closing; nothing to keep
        }
    }

    /** Whether there is a file to load (a missing or empty one means a new node). */
    public boolean exists() throws IOException {
        return Files.exists(path) && Files.size(path) > 0;
    }

    /** clusterLoadConfig into an empty state. */
    public void load(ClusterState st) throws Corrupt, IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] a = line.split(" +");
            if (a[0].equals("vars")) {
                for (int j = 1; j + 1 < a.length; j += 2) {
                    if (a[j].equals("currentEpoch")) {
                        st.currentEpoch = parseLong(a[j + 1], lineNo);
                    } else if (a[j].equals("lastVoteEpoch")) {
                        st.lastVoteEpoch = parseLong(a[j + 1], lineNo);
                    }
                }
                continue;
            }
            if (a.length < 8 || a[0].length() != 40) {
                throw corrupt(lineNo);
            }
            ClusterNode n = st.lookup(a[0]);
            if (n == null) {
                n = new ClusterNode(a[0], 0);
                st.add(n);
            }
            parseAddress(n, a[1], lineNo);
            for (String f : a[2].split(",")) {
                switch (f) {
                    case "myself" -> {
                        n.flags |= ClusterNode.MYSELF;
                        st.myself = n;
                    }
                    case "master" -> n.flags |= ClusterNode.MASTER;
                    case "slave" -> n.flags |= ClusterNode.SLAVE;
                    case "fail?" -> n.flags |= ClusterNode.PFAIL;
                    case "fail" -> {
                        n.flags |= ClusterNode.FAIL;
                        n.failTime = System.currentTimeMillis();
                    }
                    case "handshake" -> n.flags |= ClusterNode.HANDSHAKE;
                    case "noaddr" -> n.flags |= ClusterNode.NOADDR;
                    case "nofailover" -> n.flags |= ClusterNode.NOFAILOVER;
                    case "noflags" -> { }
                    default -> throw corrupt(lineNo);
                }
            }
            if (!a[3].equals("-")) {
                ClusterNode m = st.lookup(a[3]);
                if (m == null) {
                    m = new ClusterNode(a[3], 0);
                    st.add(m);
                }
                n.master = m;
                m.addReplica(n);
            }
            n.pingSent = parseLong(a[4], lineNo) != 0 ? System.currentTimeMillis() : 0;
            n.pongReceived = parseLong(a[5], lineNo) != 0 ? System.currentTimeMillis() : 0;
            n.configEpoch = parseLong(a[6], lineNo);
            for (int j = 8; j < a.length; j++) {
                parseSlots(st, n, a[j], lineNo);
            }
        }
        if (st.myself == null) {
            throw new Corrupt("Unrecoverable error: corrupted cluster config file \"" + path + "\": no myself line.");
        }
    }

    private void parseSlots(ClusterState st, ClusterNode n, String s, int lineNo) throws Corrupt {
        if (s.startsWith("[")) {
            int arrow = s.indexOf("->-");
            int back = s.indexOf("-<-");
            if (!s.endsWith("]") || (arrow < 0 && back < 0)) {
                throw corrupt(lineNo);
            }
            int at = arrow >= 0 ? arrow : back;
            int slot = slot(s.substring(1, at), lineNo);
            String other = s.substring(at + 3, s.length() - 1);
            ClusterNode o = st.lookup(other);
            if (o == null) {
                o = new ClusterNode(other, 0);
                st.add(o);
            }
            if (arrow >= 0) {
                st.slots.migrating(slot, o);
            } else {
                st.slots.importing(slot, o);
            }
            return;
        }
        int dash = s.indexOf('-');
        int start = slot(dash < 0 ? s : s.substring(0, dash), lineNo);
        int end = dash < 0 ? start : slot(s.substring(dash + 1), lineNo);
        for (int j = start; j <= end; j++) {
            st.slots.add(n, j);
        }
    }

    private int slot(String s, int lineNo) throws Corrupt {
        long v = parseLong(s, lineNo);
        if (v < 0 || v >= SlotTable.SLOTS) {
            throw corrupt(lineNo);
        }
        return (int) v;
    }

    private static void parseAddress(ClusterNode n, String addr, int lineNo) throws Corrupt {
        String hostname = "";
        int comma = addr.indexOf(',');
        if (comma >= 0) {
            hostname = addr.substring(comma + 1);
            addr = addr.substring(0, comma);
        }
        int at = addr.indexOf('@');
        String hostPort = at >= 0 ? addr.substring(0, at) : addr;
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new Corrupt("Unrecoverable error: corrupted cluster config file (line " + lineNo + ")");
        }
        n.ip = hostPort.substring(0, colon);
        try {
            n.port = Integer.parseInt(hostPort.substring(colon + 1));
            n.cport = at >= 0 ? Integer.parseInt(addr.substring(at + 1)) : n.port + 10000;
        } catch (NumberFormatException e) {
            throw new Corrupt("Unrecoverable error: corrupted cluster config file (line " + lineNo + ")");
        }
        n.hostname = hostname;
    }

    private Corrupt corrupt(int lineNo) {
        return new Corrupt("Unrecoverable error: corrupted cluster config file \"" + path + "\" (line " + lineNo + ")");
    }

    private long parseLong(String s, int lineNo) throws Corrupt {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw corrupt(lineNo);
        }
    }

    /** clusterSaveConfig: every node as nodes.conf records it, then the vars line. */
    public void save(ClusterState st, boolean fsync) throws IOException {
        StringBuilder b = new StringBuilder();
        for (ClusterNode n : st.all()) {
            if (n.inHandshake()) {
                continue; // clusterGenNodesDescription(CLUSTER_NODE_HANDSHAKE): never saved
            }
            NodeDescriber.describe(b, st, n, n.port, n.link != null);
            b.append('\n');
        }
        b.append("vars currentEpoch ").append(st.currentEpoch).append(" lastVoteEpoch ").append(st.lastVoteEpoch)
                .append('\n');
        Path tmp = path.resolveSibling("temp-" + ProcessHandle.current().pid() + "-" + path.getFileName());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (fsync) {
            try (FileChannel dir = FileChannel.open(path.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // some file systems cannot fsync a directory; the rename is still atomic
            }
        }
    }
}

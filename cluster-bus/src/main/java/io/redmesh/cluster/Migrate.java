package io.redmesh.cluster;

import io.redmesh.node.spi.BlockedCall;
import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.cluster.SlotKeys;
import io.redmesh.node.spi.link.LinkOptions;
import io.redmesh.node.spi.link.LinkReply;
import io.redmesh.node.spi.link.OutboundLink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw]
 * [KEYS key ...], as Redis 7.0: the keys' DUMP payloads are sent as RESTORE (RESTORE-ASKING in
 * cluster mode) over a link kept for 10 s, then the moved keys are deleted here and DEL is
 * propagated. Redis blocks its whole server for the round trip; here only writes wait (the
 * node's write pause, reads go on), so no write can change a key between its DUMP and its
 * delete. The link is TLS when tls-cluster is on, as Redis's migrate socket.
 */
final class Migrate implements ModuleCommands {
    private static final long IDLE_MS = 10_000;
    private static final byte[] RESTORE = bytes("RESTORE");
    private static final byte[] RESTORE_ASKING = bytes("RESTORE-ASKING");
    private static final byte[] REPLACE = bytes("REPLACE");
    private NodeControl node;
    private final Map<String, Cached> links = new ConcurrentHashMap<>();
    /** MIGRATEs in flight: writes stay paused while any runs. */
    private int inFlight;

    private record Cached(OutboundLink link, long[] lastUse, int[] db) {}

    void attach(NodeControl control) {
        this.node = control;
    }

    @Override
    public void register(Binder b) {
        b.bind("migrate", this::migrate);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void migrate(ModuleCall c) {
        byte[][] a = c.argv();
        boolean copy = false;
        boolean replace = false;
        byte[] user = null;
        byte[] password = null;
        int first = 3;
        int numKeys = 1;
        for (int j = 6; j < a.length; j++) {
            int more = a.length - j - 1;
            String opt = str(a[j]).toLowerCase(Locale.ROOT);
            switch (opt) {
                case "copy" -> copy = true;
                case "replace" -> replace = true;
                case "auth" -> {
                    if (more < 1) {
                        c.reply().error("ERR syntax error");
                        return;
                    }
                    password = a[++j];
                }
                case "auth2" -> {
                    if (more < 2) {
                        c.reply().error("ERR syntax error");
                        return;
                    }
                    user = a[++j];
                    password = a[++j];
                }
                case "keys" -> {
                    if (a[3].length != 0) {
                        c.reply().error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
                                + "string");
                        return;
                    }
                    first = j + 1;
                    numKeys = a.length - j - 1;
                    j = a.length;
                }
                default -> {
                    c.reply().error("ERR syntax error");
                    return;
                }
            }
        }
        long timeout;
        long dbid;
        try {
            timeout = Long.parseLong(str(a[5]));
            dbid = Long.parseLong(str(a[4]));
        } catch (NumberFormatException e) {
            c.reply().error("ERR value is not an integer or out of range");
            return;
        }
        if (timeout <= 0) {
            timeout = 1000;
        }
        int port;
        try {
            port = Integer.parseInt(str(a[2]));
        } catch (NumberFormatException e) {
            c.reply().error("ERR value is not an integer or out of range");
            return;
        }
        SlotKeys keys = node.slotKeys();
        List<byte[]> names = new ArrayList<>();
        List<SlotKeys.Dumped> dumps = new ArrayList<>();
        for (int j = 0; j < numKeys; j++) {
            SlotKeys.Dumped d = keys.dump(a[first + j]);
            if (d != null) {
                names.add(a[first + j]);
                dumps.add(d);
            }
        }
        if (names.isEmpty()) {
            c.reply().simple("NOKEY");
            return;
        }
        boolean cluster = node.config("cluster-enabled").equals("yes");
        boolean tls = node.config("tls-cluster").equals("yes");
        Job job = new Job(c, names, dumps, copy, replace, user, password, (int) dbid, cluster);
        String key = str(a[1]) + ":" + port;
        job.blocked = c.block(timeout, r -> {
            job.timedOut(key);
            r.error("IOERR error or timeout reading to target instance");
        });
        if (!copy) {
            pause(true);
            job.paused = true;
        }
        String host = str(a[1]);
        link(key, host, port, tls, timeout).whenComplete((cached, err) -> {
            if (err != null) {
                job.finish(r -> r.error("IOERR error or timeout connecting to the client"), List.of());
                return;
            }
            job.send(cached);
        });
    }

    private void pause(boolean on) {
        if (on) {
            if (inFlight++ == 0) {
                node.pauseWrites(true);
            }
        } else if (--inFlight == 0) {
            node.pauseWrites(false);
        }
    }

    private CompletableFuture<Cached> link(String key, String host, int port, boolean tls, long timeout) {
        long now = System.currentTimeMillis();
        links.values().removeIf(cl -> {
            boolean stale = !cl.link.isOpen() || now - cl.lastUse[0] > IDLE_MS;
            if (stale) {
                cl.link.close();
            }
            return stale;
        });
        Cached cached = links.get(key);
        if (cached != null) {
            cached.lastUse[0] = now;
            return CompletableFuture.completedFuture(cached);
        }
        LinkOptions opts = LinkOptions.plain(host, port).withTls(tls, null).withConnectTimeout(timeout);
        return node.links().connect(opts).thenApply(l -> {
            Cached fresh = new Cached(l, new long[] {System.currentTimeMillis()}, new int[] {-1});
            Cached prev = links.putIfAbsent(key, fresh);
            if (prev != null) {
                l.close();
                return prev;
            }
            return fresh;
        });
    }

    /** One MIGRATE waiting for its target. */
    private final class Job {
        final ModuleCall call;
        final List<byte[]> names;
        final List<SlotKeys.Dumped> dumps;
        final boolean copy;
        final boolean replace;
        final byte[] user;
        final byte[] password;
        final int db;
        final boolean cluster;
        BlockedCall blocked;
        boolean paused;
        private boolean done;

        Job(ModuleCall call, List<byte[]> names, List<SlotKeys.Dumped> dumps, boolean copy, boolean replace,
            byte[] user, byte[] password, int db, boolean cluster) {
            this.call = call;
            this.names = names;
            this.dumps = dumps;
            this.copy = copy;
            this.replace = replace;
            this.user = user;
            this.password = password;
            this.db = db;
            this.cluster = cluster;
        }

        /**
         * One pipeline, as 7.0's MIGRATE writes AUTH, SELECT and every RESTORE before reading a
         * reply: one write and one flush (one TLS record run) for the whole batch.
         */
        void send(Cached cached) {
            OutboundLink l = cached.link;
            List<byte[][]> requests = new ArrayList<>(names.size() + 2);
            if (password != null) {
                requests.add(user == null ? new byte[][] {bytes("AUTH"), password}
                        : new byte[][] {bytes("AUTH"), user, password});
            }
            if (cached.db[0] != db) {
                requests.add(new byte[][] {bytes("SELECT"), bytes(Integer.toString(db))});
                cached.db[0] = db;
            }
            int preCount = requests.size();
            byte[] cmd = cluster ? RESTORE_ASKING : RESTORE;
            for (int i = 0; i < names.size(); i++) {
                SlotKeys.Dumped d = dumps.get(i);
                byte[] ttl = bytes(Long.toString(d.ttlMillis()));
                requests.add(replace ? new byte[][] {cmd, names.get(i), ttl, d.payload(), REPLACE}
                        : new byte[][] {cmd, names.get(i), ttl, d.payload()});
            }
            List<CompletableFuture<LinkReply>> replies = l.callAll(requests);
            List<CompletableFuture<LinkReply>> pre = replies.subList(0, preCount);
            List<CompletableFuture<LinkReply>> restores = replies.subList(preCount, replies.size());
            // the last reply completes last (replies come in order): one continuation for the batch
            replies.get(replies.size() - 1).whenComplete((v, err) -> {
                if (err != null) {
                    cached.link.close();
                    finish(r -> r.error("IOERR error or timeout reading to target instance"), List.of());
                    return;
                }
                for (CompletableFuture<LinkReply> p : pre) {
                    LinkReply rep = p.join();
                    if (rep.isError()) {
                        cached.db[0] = -1;
                        String text = rep.text();
                        finish(r -> r.error("ERR Target instance replied with error: " + text), List.of());
                        return;
                    }
                }
                List<byte[]> moved = new ArrayList<>();
                String error = null;
                for (int i = 0; i < restores.size(); i++) {
                    LinkReply rep = restores.get(i).join();
                    if (rep.isError()) {
                        if (error == null) {
                            error = rep.text();
                        }
                    } else {
                        moved.add(names.get(i));
                    }
                }
                String firstError = error;
                finish(firstError == null ? r -> r.ok()
                        : r -> r.error("ERR Target instance replied with error: " + firstError), moved);
            });
        }

        /** The client's timeout fired (under the lock): no reply will follow, the pause ends, the link goes. */
        void timedOut(String key) {
            if (!done) {
                done = true;
                if (paused) {
                    pause(false);
                }
                Cached cl = links.remove(key);
                if (cl != null) {
                    cl.link.close();
                }
            }
        }

        /**
         * Under one hold of the lock: deletes the keys the target took (unless COPY, or the client
         * timed out: then it was told IOERR and keeps its keys, as Redis's), replies once and lifts
         * this job's write pause.
         */
        void finish(java.util.function.Consumer<io.redmesh.node.spi.ReplyWriter> reply, List<byte[]> moved) {
            try {
                node.underLock(() -> {
                    if (!done) {
                        if (!copy && !moved.isEmpty()) {
                            node.slotKeys().delete(moved);
                        }
                        done = true;
                        if (paused) {
                            pause(false);
                        }
                        blocked.complete(reply);
                    }
                    return null;
                });
            } catch (Exception e) {
                io.redmesh.node.spi.NodeLog.warning("MIGRATE: " + e);
            }
        }
    }
}

package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * CLIENT TRACKING against Debian's redis-server 7.0.15: the same script of requests runs on both
 * servers with several connections each (a tracking client A, a writer B, a redirect target R),
 * and the transcripts (every reply and every invalidation each connection read, client IDs
 * written as names) must be equal byte for byte. A PING after a step shows that nothing more was
 * sent: its reply would otherwise come after the unexpected message.
 */
class ClientTrackingDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[] {"CONFIG SET tracking-table-max-keys 1000000"};
    }

    /** One server's connections and what they read, in order. */
    static final class Side {
        private final Supplier<RespClient> connector;
        private final Map<String, RespClient> clients = new LinkedHashMap<>();
        private final Map<String, Long> ids = new LinkedHashMap<>();
        final StringBuilder log = new StringBuilder();

        Side(Supplier<RespClient> connector) {
            this.connector = connector;
        }

        private RespClient client(String name) {
            return clients.computeIfAbsent(name, n -> {
                RespClient c = connector.get();
                ids.put(n, Long.parseLong(new String(c.call("CLIENT", "ID"), StandardCharsets.US_ASCII).trim().substring(1)));
                return c;
            });
        }

        /** Sends a request (split on spaces; {R} is client R's ID) and reads its reply. */
        Side call(String name, String line) {
            RespClient c = client(name);
            c.send(RespClient.encode(RespClient.args(substitute(line).split(" "))));
            log.append(name).append("> ").append(line).append('\n');
            return read(name);
        }

        /** Reads one more reply or push from a connection. */
        Side read(String name) {
            log.append(name).append("< ").append(normalize(new String(client(name).readReply(), StandardCharsets.ISO_8859_1)))
               .append('\n');
            return this;
        }

        /** Sends raw bytes (a pipeline) without reading. */
        Side send(String name, String... lines) {
            StringBuilder all = new StringBuilder();
            for (String l : lines) {
                all.append(new String(RespClient.encode(RespClient.args(substitute(l).split(" "))), StandardCharsets.ISO_8859_1));
            }
            client(name).send(all.toString().getBytes(StandardCharsets.ISO_8859_1));
            log.append(name).append("> ").append(String.join(" | ", lines)).append('\n');
            return this;
        }

        long id(String name) {
            client(name);
            return ids.get(name);
        }

        void close(String name) {
            RespClient c = clients.remove(name);
            if (c != null) {
                c.close();
            }
        }

        void closeAll() {
            for (RespClient c : clients.values()) {
                c.close();
            }
            clients.clear();
        }

        private String substitute(String line) {
            for (Map.Entry<String, Long> e : ids.entrySet()) {
                line = line.replace("{" + e.getKey() + "}", String.valueOf(e.getValue()));
            }
            return line;
        }

        /** Client IDs in the replies that carry one (GETREDIR, TRACKINGINFO, tracking-redir-broken, HELLO). */
        private String normalize(String reply) {
            boolean carriesId = reply.startsWith(":") || reply.contains("redirect") || reply.contains("redir-broken");
            for (Map.Entry<String, Long> e : ids.entrySet()) {
                reply = reply.replace("$2\r\nid\r\n:" + e.getValue() + "\r\n", "$2\r\nid\r\n:{" + e.getKey() + "}\r\n");
                if (carriesId) {
                    reply = reply.replace(":" + e.getValue() + "\r\n", ":{" + e.getKey() + "}\r\n");
                }
            }
            return reply.replace("\r\n", "\\r\\n");
        }
    }

    /** Runs a script on both servers and compares the transcripts. */
    private void same(Consumer<Side> script) {
        Side real = new Side(this::anotherRealClient);
        Side ours = new Side(this::anotherOurClient);
        try {
            script.accept(real);
            script.accept(ours);
            assertEquals(real.log.toString(), ours.log.toString());
        } finally {
            real.closeAll();
            ours.closeAll();
        }
    }

    /** Waits (bounded) until the server no longer lists client {@code name}. */
    private static void awaitGone(Side s, String observer, long id) {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            String list = new String(s.client(observer).call("CLIENT", "LIST", "ID", String.valueOf(id)),
                    StandardCharsets.ISO_8859_1);
            if (!list.contains("id=" + id + " ")) {
                return;
            }
            sleep(20);
        }
        throw new AssertionError("client " + id + " still listed after 5 s");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void errorsAndInfoInBothProtocols() {
        bothProtocols(() -> d.sameAll("CLIENT TRACKING", "CLIENT TRACKING maybe", "CLIENT TRACKING on foo",
                "CLIENT TRACKING on PREFIX a", "CLIENT TRACKING on BCAST OPTIN", "CLIENT TRACKING on BCAST OPTOUT",
                "CLIENT TRACKING on OPTIN OPTOUT", "CLIENT TRACKING on REDIRECT x", "CLIENT TRACKING on REDIRECT 999999",
                "CLIENT TRACKING on REDIRECT 0", "CLIENT TRACKING on REDIRECT", "CLIENT TRACKING on PREFIX",
                "CLIENT TRACKING off PREFIX a", "CLIENT TRACKING off BCAST", "CLIENT TRACKINGINFO",
                "CLIENT CACHING yes", "CLIENT CACHING", "CLIENT GETREDIR", "CLIENT GETREDIR x", "CLIENT TRACKINGINFO x",
                "CLIENT TRACKING on", "CLIENT CACHING yes", "CLIENT CACHING no", "CLIENT CACHING maybe",
                "CLIENT TRACKING on BCAST", "CLIENT TRACKING on OPTIN", "CLIENT TRACKINGINFO", "CLIENT CACHING yes",
                "CLIENT TRACKINGINFO", "CLIENT TRACKING on OPTOUT", "CLIENT GETREDIR", "CLIENT TRACKING off",
                "CLIENT TRACKING on OPTOUT NOLOOP", "CLIENT CACHING no", "CLIENT TRACKINGINFO", "CLIENT TRACKING off",
                "CLIENT TRACKINGINFO", "CLIENT TRACKING on BCAST PREFIX a PREFIX ab", "CLIENT TRACKINGINFO",
                "CLIENT TRACKING on BCAST PREFIX ab PREFIX a", "CLIENT TRACKING on BCAST PREFIX a PREFIX a",
                "CLIENT TRACKING on BCAST PREFIX user: PREFIX obj", "CLIENT TRACKING on BCAST PREFIX user:1",
                "CLIENT TRACKING on BCAST PREFIX o", "CLIENT TRACKING on BCAST PREFIX zz PREFIX user:",
                "CLIENT TRACKINGINFO", "CLIENT TRACKING on", "CLIENT TRACKING on BCAST NOLOOP PREFIX zz",
                "CLIENT TRACKINGINFO", "CLIENT TRACKING off", "CLIENT TRACKING on BCAST", "CLIENT TRACKINGINFO",
                "CLIENT TRACKING off", "CLIENT TRACKING OFF", "CLIENT TRACKINGINFO",
                "CLIENT TRACKING on BCAST PREFIX a", "CLIENT TRACKING on BCAST", "CLIENT TRACKING on BCAST PREFIX b",
                "CLIENT TRACKING on BCAST PREFIX ab", "CLIENT TRACKINGINFO", "CLIENT TRACKING off",
                "CLIENT TRACKING on OPTIN NOLOOP", "RESET", "CLIENT TRACKINGINFO", "CLIENT GETREDIR"));
    }

    @Test
    void defaultModeInvalidatesWhatWasRead() {
        same(s -> s.call("A", "HELLO 3").call("A", "CLIENT TRACKING on").call("A", "GET k").call("A", "MGET k2 k3")
                .call("B", "SET k 1").read("A")
                .call("B", "MSET k2 1 k3 1").read("A").read("A")
                .call("B", "SET k 2").call("A", "PING") // no longer tracked: nothing came
                .call("A", "GET k").call("A", "STRLEN k").call("B", "APPEND k x").read("A").call("A", "PING")
                .call("A", "HGET h f").call("B", "HSET h f v").read("A")
                .call("A", "LRANGE l 0 -1").call("B", "RPUSH l a").read("A")
                .call("A", "GET k").call("B", "DEL k").read("A").call("B", "DEL k").call("A", "PING")
                .call("A", "GET x").call("A", "SET x 1").read("A").call("A", "PING") // its own write: after the reply
                .call("A", "GET t").call("B", "EXPIRE t 100").call("B", "SET t v").read("A")
                .call("A", "INCR counter").call("B", "INCR counter").call("A", "PING") // INCR is no read
                .call("A", "CLIENT TRACKINGINFO").call("A", "CLIENT GETREDIR").call("A", "TYPE ty")
                .call("B", "SET ty v").read("A").call("A", "PING"));
    }

    @Test
    void keyspaceCommandsThatMoveKeys() {
        same(s -> s.call("B", "MSET r1 a m1 a c1 a").call("A", "HELLO 3").call("A", "CLIENT TRACKING on")
                .call("A", "MGET r1 r2 m1 c1 c2")
                .call("B", "RENAME r1 r2").read("A").read("A").call("A", "PING")
                .call("B", "MOVE m1 1").read("A").call("A", "PING")
                .call("B", "COPY c1 c2").read("A").call("A", "PING")
                .call("A", "EXISTS c1").call("B", "SWAPDB 0 1").call("A", "PING")
                .call("B", "SWAPDB 0 1").call("B", "UNLINK c1").read("A").call("A", "PING")
                .call("A", "GET x").call("B", "SELECT 3").call("B", "SET x 1").read("A").call("A", "PING")
                .call("A", "DBSIZE").call("A", "EXISTS r2 c2").call("B", "SET y 1").call("A", "PING")
                .call("A", "SUBSCRIBE ch").call("B", "PUBLISH ch m").read("A").call("A", "UNSUBSCRIBE ch")
                .call("A", "PING"));
    }

    @Test
    void flushesSendNullToEveryTrackingClient() {
        bothProtocolsOfTarget(proto -> same(s -> s.call("A", "HELLO 3").call("A", "CLIENT TRACKING on")
                .call("C", "HELLO 3").call("C", "CLIENT TRACKING on BCAST")
                .call("R", "HELLO " + proto).call("R", "SUBSCRIBE __redis__:invalidate")
                .call("D", "CLIENT TRACKING on REDIRECT {R}")
                .call("A", "GET k").call("B", "FLUSHALL").read("A").read("C").read("R")
                .call("A", "FLUSHDB").read("A").read("C").read("R").call("A", "PING").call("C", "PING")
                .call("A", "GET k").call("B", "SET k v").read("A").read("C").call("A", "PING")));
    }

    private static void bothProtocolsOfTarget(java.util.function.IntConsumer run) {
        run.accept(2);
        run.accept(3);
    }

    @Test
    void noloopSkipsTheClientsOwnWrites() {
        same(s -> s.call("A", "HELLO 3").call("A", "CLIENT TRACKING on NOLOOP").call("A", "GET x")
                .call("A", "SET x 1").call("A", "PING").call("A", "GET x").call("B", "SET x 2").read("A")
                .call("A", "CLIENT TRACKING on BCAST NOLOOP").call("A", "CLIENT TRACKING off")
                .call("A", "CLIENT TRACKING on BCAST NOLOOP").call("A", "SET a 1").call("A", "PING")
                .call("B", "SET b 1").read("A").call("A", "PING"));
    }

    @Test
    void optinAndOptoutFollowCaching() {
        same(s -> s.call("A", "HELLO 3").call("A", "CLIENT TRACKING on OPTIN")
                .call("A", "GET a").call("A", "CLIENT CACHING yes").call("A", "GET b").call("A", "GET c")
                .call("B", "SET a 1").call("B", "SET c 1").call("A", "PING").call("B", "SET b 1").read("A")
                .call("A", "CLIENT CACHING yes").call("A", "MULTI").call("A", "GET m1").call("A", "GET m2")
                .call("A", "EXEC").call("A", "GET m3")
                .call("B", "MSET m1 1 m2 2 m3 3").read("A").read("A").call("A", "PING")
                .call("A", "CLIENT TRACKING off").call("A", "CLIENT TRACKING on OPTOUT")
                .call("A", "GET o1").call("A", "CLIENT CACHING no").call("A", "CLIENT TRACKINGINFO").call("A", "GET o2")
                .call("B", "SET o2 x").call("A", "PING").call("B", "SET o1 x").read("A").call("A", "PING"));
    }

    @Test
    void bcastPrefixesCollectKeysPerBatch() {
        same(s -> s.call("A", "HELLO 3").call("A", "CLIENT TRACKING on BCAST PREFIX user: PREFIX obj:")
                .call("B", "SET user:1 a").read("A").call("B", "SET other a").call("A", "PING")
                .call("B", "SET obj:2 a").read("A")
                .send("B", "SET user:b 1", "SET obj:a 1", "SET user:a 1", "SET none 1", "DEL user:b")
                .read("B").read("B").read("B").read("B").read("B").read("A").read("A").call("A", "PING")
                .call("C", "HELLO 3").call("C", "CLIENT TRACKING on BCAST")
                .call("B", "SET anything 1").read("C").call("A", "PING").call("C", "PING")
                .call("A", "CLIENT TRACKINGINFO"));
    }

    @Test
    void writesOfTransactionsAndScriptsInvalidate() {
        same(s -> s.call("A", "HELLO 3").call("A", "CLIENT TRACKING on").call("A", "MGET m1 m2")
                .call("B", "MULTI").call("B", "SET m1 1").call("B", "INCR m2").call("B", "EXEC").read("A").read("A")
                .call("A", "EVAL return(redis.call('get',KEYS[1])) 1 s1").call("B", "SET s1 x").read("A")
                .call("A", "EVAL return(redis.call('get','s2')) 0").call("B", "SET s2 x").call("A", "PING")
                .call("A", "GET s3").call("B", "EVAL redis.call('set',KEYS[1],'y') 1 s3").read("A")
                .call("A", "EVAL_RO return(redis.call('get',KEYS[1])) 1 s4").call("B", "SET s4 x").read("A")
                .call("A", "GET s5").call("A", "EVAL return(redis.call('set',KEYS[1],'z')) 1 s5").read("A")
                .call("A", "MULTI").call("A", "EVAL return(redis.call('get',KEYS[1])) 1 s6").call("A", "GET s7")
                .call("A", "EXEC").call("B", "MSET s6 1 s7 1").read("A").read("A")
                .call("A", "PING"));
    }

    @Test
    void expiryInvalidates() {
        same(s -> {
            s.call("B", "SET e v PX 100").call("A", "HELLO 3").call("A", "CLIENT TRACKING on").call("A", "GET e");
            sleep(150);
            s.call("B", "GET e"); // expired on access (or already by the active cycle)
            s.read("A").call("A", "PING");
        });
    }

    @Test
    void resp2RedirectToASubscriber() {
        same(s -> s.call("R", "SUBSCRIBE __redis__:invalidate").call("A", "CLIENT TRACKING on REDIRECT {R}")
                .call("A", "CLIENT GETREDIR").call("A", "CLIENT TRACKINGINFO").call("A", "GET k")
                .call("B", "SET k v").read("R").call("A", "GET k").call("A", "SET k w").call("A", "PING").read("R")
                .call("A", "CLIENT TRACKING off").call("A", "CLIENT TRACKING on BCAST REDIRECT {R} PREFIX p")
                .call("B", "SET p1 v").read("R").call("B", "FLUSHALL").read("R").call("R", "PING"));
    }

    @Test
    void aRedirectTargetGoingAwayIsReported() {
        same(s -> {
            s.call("R", "HELLO 3").call("A", "HELLO 3").call("A", "CLIENT TRACKING on REDIRECT {R}").call("A", "GET k");
            long rid = s.id("R");
            s.close("R");
            awaitGone(s, "B", rid);
            s.call("B", "SET k v").read("A").call("A", "CLIENT TRACKINGINFO").call("A", "CLIENT GETREDIR")
                    .call("A", "PING");
        });
    }

    @Test
    void resp2WithoutRedirectGetsNothing() {
        same(s -> s.call("A", "CLIENT TRACKING on").call("A", "GET k").call("B", "SET k v").call("A", "PING")
                .call("R", "SUBSCRIBE x").call("A", "CLIENT TRACKING on REDIRECT {R}").call("A", "GET k")
                .call("B", "SET k w").read("R").call("R", "PING"));
    }

    @Test
    void infoCountsClientsKeysItemsPrefixes() {
        same(s -> {
            s.call("A", "CLIENT TRACKING on").call("A", "MGET a b c").call("C", "CLIENT TRACKING on").call("C", "GET a")
                    .call("D", "CLIENT TRACKING on BCAST PREFIX x PREFIX y");
            String stats = new String(s.client("B").call("INFO", "stats"), StandardCharsets.ISO_8859_1);
            String clients = new String(s.client("B").call("INFO", "clients"), StandardCharsets.ISO_8859_1);
            s.log.append(grep(stats, "tracking_total_")).append(grep(clients, "tracking_clients"));
            s.call("D", "CLIENT TRACKING off").call("B", "FLUSHALL");
            stats = new String(s.client("B").call("INFO", "stats"), StandardCharsets.ISO_8859_1);
            s.log.append(grep(stats, "tracking_total_"));
        });
    }

    private static String grep(String info, String prefix) {
        StringBuilder sb = new StringBuilder();
        for (String l : info.split("\r\n")) {
            if (l.startsWith(prefix)) {
                sb.append(l).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void clientListShowsTrackingFlagsAndRedirect() {
        same(s -> {
            s.call("A", "CLIENT TRACKING on BCAST");
            s.call("R", "PING").call("C", "CLIENT TRACKING on REDIRECT {R}");
            s.log.append(fields(s, "A")).append(fields(s, "C"));
        });
    }

    /** The flags and redir fields of a client's CLIENT LIST line (the rest differs by nature). */
    private static String fields(Side s, String name) {
        String line = new String(s.client("B").call("CLIENT", "LIST", "ID", String.valueOf(s.id(name))),
                StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder(name);
        for (String f : line.trim().split(" ")) {
            if (f.startsWith("flags=") || f.startsWith("redir=")) {
                String v = f;
                for (Map.Entry<String, Long> e : s.ids.entrySet()) {
                    v = v.equals("redir=" + e.getValue()) ? "redir={" + e.getKey() + "}" : v;
                }
                sb.append(' ').append(v);
            }
        }
        return sb.append('\n').toString();
    }

    @Test
    void tableOverItsLimitForgetsKeysAndSaysSo() {
        same(s -> {
            s.call("B", "CONFIG SET tracking-table-max-keys 5").call("A", "HELLO 3").call("A", "CLIENT TRACKING on");
            for (int i = 0; i < 6; i++) {
                s.call("A", "GET k" + i);
            }
            // Before the next command the table (6 keys) is cut to 5: one key, chosen at random
            String before = new String(s.client("A").call("PING"), StandardCharsets.ISO_8859_1);
            s.log.append("first of PING: ").append(before.startsWith(">2") ? "invalidation" : before).append('\n');
            String stats = new String(s.client("B").call("INFO", "stats"), StandardCharsets.ISO_8859_1);
            s.log.append(grep(stats, "tracking_total_keys"));
            s.client("A").readReply(); // PING's own reply
            s.call("B", "CONFIG SET tracking-table-max-keys 1000000");
        });
    }
}

package io.redmesh.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    private static final List<String> GOOD = List.of(
            "# an agent",
            "name node-1.a_b",
            "state-dir /var/lib/redmesh/n1",
            "mesh-port 17001",
            "seeds 127.0.0.1:17001 [::1]:17002",
            "seeds localhost:17003",
            "ca-file /etc/redmesh/ca.crt",
            "issuer 127.0.0.1:17101",
            "leaf-lifetime 90s",
            "sync-timeout 500ms",
            "tombstone-ttl 7d",
            "dns-names a.example b.example",
            "sidecar 127.0.0.1:6380",
            "sidecar-user admin",
            "sidecar-password-file /etc/redmesh/pw",
            "sidecar-tls no");

    @Test
    void readsEveryDirective() throws Exception {
        AgentConfig c = AgentConfig.parse("agent.conf", GOOD);
        assertEquals("node-1.a_b", c.name);
        assertEquals(17001, c.meshPort);
        assertEquals(List.of(new AgentConfig.HostPort("127.0.0.1", 17001), new AgentConfig.HostPort("::1", 17002),
                new AgentConfig.HostPort("localhost", 17003)), c.seeds);
        assertEquals("[::1]:17002", c.seeds.get(1).toString());
        assertEquals(Duration.ofSeconds(90), c.leafLifetime);
        assertEquals(Duration.ofMillis(500), c.syncTimeout);
        assertEquals(Duration.ofDays(7), c.tombstoneTtl);
        assertEquals(List.of("a.example", "b.example"), c.dnsNames);
        assertTrue(c.isSidecar());
        assertEquals(false, c.sidecarTls);
        assertEquals(Path.of("/var/lib/redmesh/n1/audit.jsonl"), c.auditLogPath());
    }

    private static String error(String... lines) {
        return assertThrows(AgentConfig.ConfigError.class, () -> AgentConfig.parse("agent.conf", List.of(lines)))
                .getMessage();
    }

    @Test
    void badLinesAreReportedWithFileAndLine() {
        String base = "name n1\nstate-dir /tmp/x\nmesh-port 1\nca-file /c\nissuer 1.2.3.4:5\n";
        String e = error("name n1", "mesh-port 99999");
        assertTrue(e.contains("Reading the configuration file agent.conf, at line 2") && e.contains("'mesh-port 99999'")
                && e.contains("Invalid port"), e);
        e = error("name bad/name");
        assertTrue(e.contains("at line 1") && e.contains("node names"), e);
        e = error("nosuch directive");
        assertTrue(e.contains("Bad directive or wrong number of arguments"), e);
        e = error("name a b");
        assertTrue(e.contains("wrong number of arguments"), e);
        e = error("name a", "name b");
        assertTrue(e.contains("at line 2") && e.contains("given twice"), e);
        e = error("leaf-lifetime 5 weeks");
        assertTrue(e.contains("wrong number"), e);
        e = error("leaf-lifetime 5w");
        assertTrue(e.contains("Invalid duration '5w'"), e);
        e = error("seeds 127.0.0.1");
        assertTrue(e.contains("expected host:port"), e);
        e = error("sidecar-tls maybe");
        assertTrue(e.contains("'yes' or 'no'"), e);
        e = error(base.split("\n")[0]);
        assertTrue(e.contains("is missing: state-dir, mesh-port, ca-file (or issuer-dir), issuer (or issuer-dir)"), e);
        List<String> tooShort = new java.util.ArrayList<>(List.of(base.split("\n")));
        tooShort.add("leaf-lifetime 10s");
        e = error(tooShort.toArray(new String[0]));
        assertTrue(e.contains("at least 30s"), e);
        List<String> sidecarNoUser = new java.util.ArrayList<>(List.of(base.split("\n")));
        sidecarNoUser.add("sidecar 127.0.0.1:6379");
        e = error(sidecarNoUser.toArray(new String[0]));
        assertTrue(e.contains("sidecar-user and sidecar-password-file"), e);
    }

    @Test
    void aMissingFileIsAClearError(@TempDir Path dir) {
        String e = assertThrows(AgentConfig.ConfigError.class, () -> AgentConfig.load(dir.resolve("none.conf")))
                .getMessage();
        assertTrue(e.contains("can't open agent config file"), e);
    }

    @Test
    void joinTokenFileIsRead(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("t");
        Files.writeString(token, "rmjt1.abc.def\n");
        AgentConfig c = AgentConfig.parse("agent.conf", List.of("name n", "state-dir /s", "mesh-port 2", "ca-file /c",
                "issuer 127.0.0.1:3", "join-token-file " + token));
        assertEquals("rmjt1.abc.def", c.joinToken);
        String e = error("join-token-file " + dir.resolve("missing"));
        assertTrue(e.contains("can't read"), e);
    }
}

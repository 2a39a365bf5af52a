package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.cert.CertificateRotator;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.node.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * examples/cluster-6node/docker-compose.yml and its Dockerfile, checked without a Docker engine:
 * every RedMesh service's command line parses with the launcher's own picocli model, its
 * redis-server arguments load with the node's own config loader, its agent file loads with the
 * agent's, and the node config it starts is the file run.sh starts (so what ClusterExampleTest
 * runs as processes is what the containers run). The bootstrap script's redmesh commands parse
 * too; the root CA's volume reaches no node, each node mounts only its own join token, and the
 * image holds no key, certificate or token.
 */
class ComposeExampleTest {
    private static Path example;
    private static Map<String, Map<String, Object>> services;
    private static Map<String, Object> compose;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        example = Launched.root().resolve("examples/cluster-6node");
        compose = new Yaml().load(Files.readString(example.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    private static List<String> nodes() {
        return services.keySet().stream().filter(s -> s.matches("node\\d")).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> service, String key) {
        Object v = service.get(key);
        return v == null ? List.of() : ((List<Object>) v).stream().map(String::valueOf).toList();
    }

    /** Container path -> host file (relative to the example) of a service's bind mounts; volumes as "volume:NAME[/SUBPATH]". */
    @SuppressWarnings("unchecked")
    private static Map<String, String> mounts(Map<String, Object> service) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Object v : (List<Object>) service.getOrDefault("volumes", List.of())) {
            if (v instanceof String s) {
                String[] p = s.split(":");
                m.put(p[1], p[0].startsWith(".") ? p[0] : "volume:" + p[0]);
            } else {
                Map<String, Object> l = (Map<String, Object>) v;
                Object sub = l.get("volume") instanceof Map<?, ?> vol ? vol.get("subpath") : null;
                m.put((String) l.get("target"), "volume:" + l.get("source") + (sub == null ? "" : "/" + sub));
            }
        }
        return m;
    }

    private static Path hostFile(Map<String, Object> service, String containerPath) {
        String host = mounts(service).get(containerPath);
        assertNotNull(host, containerPath + " is mounted from the example folder");
        assertTrue(host.startsWith("./"), containerPath + " comes from a file of the example: " + host);
        return example.resolve(host.substring(2)).normalize();
    }

    /**
     * The agent's own loader on a node's agent file. It reads join-token-file at once, and the
     * token exists only in the container (the bootstrap writes it): a placeholder stands in.
     */
    private static AgentConfig loadAgent(Path file) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.contains("join-token-file /bootstrap/join.token\n"), file + " reads its token from the bootstrap volume");
        Path token = Files.createTempFile("compose-token", ".txt");
        Path copy = Files.createTempFile("compose-agent", ".conf");
        try {
            Files.writeString(token, "rmjt1.placeholder\n");
            Files.writeString(copy, text.replace("/bootstrap/join.token", token.toString()));
            return AgentConfig.load(copy);
        } finally {
            Files.deleteIfExists(token);
            Files.deleteIfExists(copy);
        }
    }

    /** A line of sh split into words: double-quoted words keep their spaces; a redirection ends it. */
    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && (c == ' ' || c == '>')) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                if (c == '>') {
                    break;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    @Test
    void sixNodesAndTheirHelpersAreDeclared() {
        assertEquals(List.of("node1", "node2", "node3", "node4", "node5", "node6"), nodes());
        assertTrue(services.keySet().containsAll(List.of("bootstrap", "create-cluster", "prometheus")), services.keySet().toString());
        assertEquals(List.of("metrics"), list(services.get("prometheus"), "profiles"), "Prometheus is optional");
    }

    @Test
    void everyNodeCommandIsTheLaunchersAndStartsRunShsConfigFile() throws Exception {
        Path runShConfig = example.resolve("node.conf");
        assertTrue(Files.readString(example.resolve("run.sh")).contains("--config \"$HERE/node.conf\""),
                "run.sh starts node.conf");
        for (String name : nodes()) {
            Map<String, Object> s = services.get(name);
            List<String> command = list(s, "command");
            // the launcher's parser: "server" and its arguments as picocli hands them over
            CommandLine.ParseResult parsed = new CommandLine(new RedMesh()).parseArgs(command.toArray(new String[0]));
            assertTrue(parsed.hasSubcommand() && parsed.subcommand().commandSpec().name().equals("server"), name + ": " + command);

            List<String> argv = new ArrayList<>(command.subList(1, command.size()));
            int at = argv.indexOf("--agent");
            Path agentFile = hostFile(s, argv.get(at + 1));
            AgentConfig agent = loadAgent(agentFile); // the agent's own loader
            assertEquals(name, agent.name, agentFile.toString());
            assertTrue(agent.dnsNames.contains(name), name + "'s certificate names its hostname: " + agent.dnsNames);
            argv.remove(at + 1);
            argv.remove(at);
            Path nodeConf = hostFile(s, argv.get(0));
            assertEquals(runShConfig, nodeConf, name + " starts the file run.sh starts");
            assertEquals(name, s.get("hostname"));
            assertEquals(name, argv.get(argv.indexOf("--cluster-announce-hostname") + 1));
            assertEquals("hostname", argv.get(argv.indexOf("--cluster-preferred-endpoint-type") + 1));
            assertEquals("/data", argv.get(argv.indexOf("--dir") + 1));
            assertEquals("volume:data-" + name, mounts(s).get("/data"));
            // the node's own config loader (a wrong directive fails here), with the paths of this machine
            argv.set(0, nodeConf.toString());
            Path data = Files.createTempDirectory("compose-data");
            try {
                argv.set(argv.indexOf("--dir") + 1, data.toString());
                Node.fromArgs(argv);
            } finally {
                Files.deleteIfExists(data);
            }
            assertTrue(agent.stateDir.startsWith("/data"), "the agent's state is in the node's volume");

            // its join token and CA come from the bootstrap's token volume, its own folder only
            assertEquals("volume:tokens/" + name, mounts(s).get("/bootstrap"), name + " mounts only its own token");
            assertEquals(Path.of("/bootstrap/ca.crt"), agent.caFile);

            // the healthcheck: redis-cli over TLS with the certificate the agent keeps in its state dir
            @SuppressWarnings("unchecked")
            String health = String.join(" ", list((Map<String, Object>) s.get("healthcheck"), "test"));
            assertTrue(health.contains("redis-cli --tls"), health);
            for (String f : List.of(CertificateRotator.CERT_FILE, CertificateRotator.KEY_FILE, CertificateRotator.CA_FILE)) {
                // the agent keeps them in state-dir/tls (Agent; ClusterExampleTest sees them there in a run)
                assertTrue(health.contains(agent.stateDir.resolve("tls").resolve(f).toString()), health + " uses " + f);
            }
            assertTrue(health.contains("-p " + argv.get(argv.indexOf("--tls-port") + 1)), health);
        }
    }

    @Test
    void onlyTheBootstrapHoldsTheRootAndOnlyNode1TheIssuingCa() throws Exception {
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            Set<String> vols = new TreeSet<>(mounts(e.getValue()).values());
            if (!e.getKey().equals("bootstrap")) {
                assertFalse(vols.contains("volume:pki"), e.getKey() + " must not see the root CA's key");
            }
            if (!e.getKey().equals("bootstrap") && !e.getKey().equals("node1")) {
                assertFalse(vols.contains("volume:issuer"), e.getKey() + " must not see the issuing CA's key");
            }
        }
        AgentConfig node1 = loadAgent(hostFile(services.get("node1"), "/etc/redmesh/agent.conf"));
        assertTrue(node1.isIssuer());
        assertEquals("volume:issuer", mounts(services.get("node1")).get(node1.issuerDir.getParent().toString()));
        for (String name : nodes().subList(1, 6)) {
            AgentConfig a = loadAgent(hostFile(services.get(name), "/etc/redmesh/agent.conf"));
            assertEquals(List.of(new AgentConfig.HostPort("node1", node1.enrollPort)), a.issuers, name);
        }
    }

    @Test
    void theBootstrapScriptsCommandsParseWithTheLauncher() throws Exception {
        Map<String, Object> bootstrap = services.get("bootstrap");
        Path script = hostFile(bootstrap, list(bootstrap, "entrypoint").get(1));
        String text = Files.readString(script);
        int checked = 0;
        for (String line : text.lines().map(String::trim).toList()) {
            if (!line.startsWith("redmesh ")) {
                continue;
            }
            List<String> args = words(line.replace("$n", "node1"));
            // the launcher's parser: throws on an unknown option or a missing required one
            new CommandLine(new RedMesh()).parseArgs(args.subList(1, args.size()).toArray(new String[0]));
            checked++;
        }
        assertTrue(checked >= 4, "ca init, ca issue --issuer, ca token, ca issue --csr: " + checked);
        assertTrue(text.contains("/issuer/ca"), "the issuing CA goes to the issuer volume");
        AgentConfig node1 = loadAgent(hostFile(services.get("node1"), "/etc/redmesh/agent.conf"));
        assertEquals(Path.of("/issuer/ca"), node1.issuerDir);
        assertTrue(text.contains("/tokens/$n/join.token") && text.contains("/tokens/$n/ca.crt"));
        assertTrue(services.get("node1").toString().contains("service_completed_successfully"),
                "nodes start after the bootstrap finished");
    }

    /**
     * bootstrap.sh itself, run here with its four volumes as temporary directories and
     * bin/redmesh as `redmesh`: a token and the CA per node, the issuing CA where node1's agent
     * looks for it, and a client certificate the root verifies.
     */
    @Test
    void theBootstrapScriptMakesWhatTheNodesAndTheClientRead() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path tmp = Files.createTempDirectory("compose-bootstrap");
        try {
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Files.createSymbolicLink(bin.resolve("redmesh"), Launched.root().resolve("bin/redmesh"));
            String script = Files.readString(example.resolve("bootstrap.sh"));
            for (String volume : List.of("pki", "issuer", "tokens", "client")) {
                Files.createDirectories(tmp.resolve(volume));
                script = script.replaceAll("(?m)(^|[ \"(])/" + volume, "$1" + tmp.resolve(volume));
            }
            String out = Walkthrough.redmeshScript("export PATH='" + bin + "':$PATH\n" + script);
            assertTrue(out.contains("bootstrap: root CA, issuing CA, 6 join tokens and a client certificate ready"), out);
            for (String name : nodes()) {
                assertTrue(Files.readString(tmp.resolve("tokens").resolve(name).resolve("join.token")).startsWith("rmjt1."), name);
                assertTrue(Files.exists(tmp.resolve("tokens").resolve(name).resolve("ca.crt")), name);
            }
            AgentConfig node1 = loadAgent(hostFile(services.get("node1"), "/etc/redmesh/agent.conf"));
            Path issuing = tmp.resolve("issuer").resolve(Path.of("/issuer").relativize(node1.issuerDir));
            assertTrue(new io.redmesh.agent.pki.CaDirectory(issuing).exists(), "node1's issuer-dir holds the issuing CA");
            String verify = Walkthrough.run(List.of("openssl", "verify", "-CAfile", tmp.resolve("client/ca.crt").toString(),
                    tmp.resolve("client/client.crt").toString()));
            assertTrue(verify.endsWith(": OK"), verify);
            String again = Walkthrough.redmeshScript("export PATH='" + bin + "':$PATH\n" + script);
            assertTrue(again.contains("the CA exists already"), "a second run changes nothing: " + again);
        } finally {
            Walkthrough.removeTree(tmp);
        }
    }

    @Test
    void theImageIsASlimJreRunAsAUserWithNoSecretsInIt() throws Exception {
        List<String> lines = Files.readAllLines(example.resolve("Dockerfile")).stream().map(String::trim)
                .filter(l -> !l.startsWith("#") && !l.isEmpty()).toList();
        String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElse("");
        assertTrue(from.matches("FROM \\S+:17-jre\\S*"), "a Java 17 JRE base: " + from);
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
        assertFalse(user.equals("USER root") || user.equals("USER 0"), "runs as a non-root user: " + user);
        assertTrue(lines.contains("COPY cli/target/redmesh.jar /opt/redmesh/redmesh.jar"), "the shaded jar");
        for (String l : lines) {
            if (l.startsWith("COPY") || l.startsWith("ADD")) {
                assertFalse(l.matches(".*\\.(crt|key|pem|token|pass|p12|jks)\\b.*"), "no key material in the image: " + l);
            }
            assertFalse(l.contains("redmesh ca "), "no CA made at build time: " + l);
        }
        String health = String.join(" ", lines.subList(lines.indexOf(lines.stream().filter(l -> l.startsWith("HEALTHCHECK"))
                .findFirst().orElseThrow()), lines.size()));
        assertTrue(health.contains("redis-cli --tls"), health);
        assertTrue(lines.contains("ENTRYPOINT [\"redmesh\"]"));
        @SuppressWarnings("unchecked")
        Map<String, Object> build = (Map<String, Object>) services.get("bootstrap").get("build");
        assertEquals("examples/cluster-6node/Dockerfile", build.get("dockerfile"));
        assertEquals(Launched.root(), example.resolve((String) build.get("context")).normalize());
    }

    @Test
    void prometheusScrapesEveryNodesMetricsPort() throws Exception {
        String prom = Files.readString(example.resolve("prometheus.yml"));
        for (String name : nodes()) {
            List<String> c = list(services.get(name), "command");
            assertTrue(prom.contains(name + ":" + c.get(c.indexOf("--metrics-port") + 1)), name + " in prometheus.yml");
        }
        assertEquals("./prometheus.yml", mounts(services.get("prometheus")).get("/etc/prometheus/prometheus.yml"));
    }
}

package io.redmesh.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a metrics endpoint (also used by the agent's metrics tests): the raw text and its samples by
 * {@code name{label="value",...}} (labels as written, without simpleclient's trailing comma).
 */
public record Scrape(String text, Map<String, Double> samples) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*?),?\\})? (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static Scrape of(String host, int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        return parse(r.body());
    }

    public static Scrape of(int port) throws IOException, InterruptedException {
        return of("127.0.0.1", port);
    }

    public static Scrape parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            String key = m.group(2) == null || m.group(2).isEmpty() ? m.group(1) : m.group(1) + "{" + m.group(2) + "}";
            samples.put(key, Double.parseDouble(m.group(3)));
        }
        return new Scrape(text, samples);
    }

    /** The sample's value, or NaN when it is absent. */
    public double value(String key) {
        return samples.getOrDefault(key, Double.NaN);
    }

    /** Runs {@code promtool check metrics} on the text: null when it passes, else its complaints. */
    public String promtoolProblems() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("promtool", "check", "metrics")).redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "promtool did not finish";
        }
        return p.exitValue() == 0 && out.isBlank() ? null : "exit " + p.exitValue() + ": " + out;
    }

    public static boolean promtoolAvailable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "promtool"))) {
                return true;
            }
        }
        return false;
    }
}

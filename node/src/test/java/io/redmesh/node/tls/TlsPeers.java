package io.redmesh.node.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Real TLS peers for the integration tests: a plain JDK TLS socket speaking RESP, Debian's
 * redis-cli and openssl s_client as subprocesses. Every wait is bounded.
 */
final class TlsPeers {
    private TlsPeers() {}

    /** Output and exit code of a finished subprocess. */
    record Run(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Connects and completes a handshake (throws if the server refuses it). */
    static SSLSocket connect(int port, SSLContext ctx, String[] protocols, String[] suites) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // check the SAN, as redis-cli does
        if (protocols != null) {
            p.setProtocols(protocols);
        }
        if (suites != null) {
            p.setCipherSuites(suites);
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    static SSLSocket connect(int port, SSLContext ctx) throws IOException {
        return connect(port, ctx, null, null);
    }

    /** Sends one command and returns the first line of its reply (CRLF stripped). */
    static String call(Socket s, String... args) throws IOException {
        OutputStream out = s.getOutputStream();
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readLine(s.getInputStream());
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c == -1 && line.size() == 0) {
            throw new IOException("connection closed by server");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection: the next read ends (EOF or reset) within the socket timeout. */
    static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset, or a TLS alert ending the connection
        }
    }

    static boolean available(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command with stdin from {@code input}, killing it after {@code seconds}. */
    static Run run(List<String> cmd, String input, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        // Read on another thread so a chatty process cannot block on a full pipe.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream is = p.getInputStream()) {
                is.transferTo(out);
            } catch (IOException e) {
                // process killed
            }
        });
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            reader.join(2000);
            return new Run(-1, out.toString(StandardCharsets.UTF_8) + "\n[killed after " + seconds + " s]");
        }
        reader.join(2000);
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    /** redis-cli -h 127.0.0.1 -p port --tls ... args. */
    static Run redisCli(int port, List<String> tlsArgs, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(tlsArgs);
        cmd.addAll(List.of(command));
        return run(cmd, null, 15);
    }

    /**
     * openssl s_client handshake attempt; {@code extra} adds protocol/cipher options. Returns the
     * run; a completed handshake prints "Protocol version:" (-brief) and exits 0 on stdin EOF.
     */
    static Run sClient(int port, Path caFile, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-brief", "-connect", "127.0.0.1:" + port,
                "-CAfile", caFile.toString()));
        cmd.addAll(List.of(extra));
        return run(cmd, "", 15);
    }
}

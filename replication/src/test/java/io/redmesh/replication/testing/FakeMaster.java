package io.redmesh.replication.testing;

import io.redmesh.node.testing.Ports;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile or broken master on 127.0.0.1, for the replica's side of the protocol: it answers the
 * handshake as a master would (PING, AUTH, REPLCONF) unless told to stay silent, and answers PSYNC
 * with whatever the test's {@link Script} writes. It records every command it receives.
 */
public final class FakeMaster implements AutoCloseable {
    /** What the master sends after PSYNC (the connection stays open until the replica closes it). */
    @FunctionalInterface
    public interface Script {
        void afterPsync(OutputStream out, InputStream in) throws Exception;
    }

    public static final String REPLID = "0123456789abcdef0123456789abcdef01234567";

    private final ServerSocket server;
    private final Script script;
    private final boolean silent;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger psyncs = new AtomicInteger();
    public final List<String> commands = new CopyOnWriteArrayList<>();

    private FakeMaster(Script script, boolean silent) throws IOException {
        this.script = script;
        this.silent = silent;
        this.server = new ServerSocket(Ports.free(), 50, InetAddress.getByName("127.0.0.1"));
        this.acceptor = new Thread(this::accept, "fake-master");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers the handshake, then runs {@code script} after each PSYNC. */
    public static FakeMaster start(Script script) throws IOException {
        return new FakeMaster(script, false);
    }

    /** Accepts connections and never answers anything. */
    public static FakeMaster silent() throws IOException {
        return new FakeMaster((o, i) -> {}, true);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "fake-master-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (List<String> cmd; (cmd = readCommand(in)) != null; ) {
                commands.add(String.join(" ", cmd));
                if (silent) {
                    continue;
                }
                String name = cmd.get(0).toUpperCase();
                switch (name) {
                    case "PING" -> out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                    case "PSYNC", "SYNC" -> {
                        psyncs.incrementAndGet();
                        script.afterPsync(out, in);
                        out.flush();
                    }
                    case "REPLCONF" -> {
                        if (!cmd.get(1).equalsIgnoreCase("ack")) {
                            out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    default -> out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
        } catch (Exception e) {
            // the replica went away or the script ended the connection
        }
    }

    /** One RESP array of bulk strings, or null at the end of the stream. */
    static List<String> readCommand(InputStream in) throws IOException {
        String head = line(in);
        if (head == null) {
            return null;
        }
        if (!head.startsWith("*")) {
            return List.of(head.trim().split(" "));
        }
        int n = Integer.parseInt(head.substring(1));
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] b = in.readNBytes(len + 2);
            args.add(new String(b, 0, len, StandardCharsets.ISO_8859_1));
        }
        return args;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return null;
    }

    /**
     * A loadable empty RDB (version 10, no checksum) with aux fields given as name/value pairs.
     */
    public static byte[] rdb(String... aux) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i + 1 < aux.length; i += 2) {
            b.write(0xFA);
            for (String s : new String[] {aux[i], aux[i + 1]}) {
                byte[] v = s.getBytes(StandardCharsets.ISO_8859_1);
                b.write(v.length); // 6-bit length: these strings are short
                b.writeBytes(v);
            }
        }
        b.write(0xFF);
        b.writeBytes(new byte[8]); // checksum 0: not verified, as Redis with rdbchecksum no
        return b.toByteArray();
    }

    /** A loadable RDB holding one string key in database 0. */
    public static byte[] rdbWithString(String key, String value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        b.write(0xFE); // SELECTDB 0
        b.write(0);
        b.write(0); // type: string
        for (String s : new String[] {key, value}) {
            b.write(s.length());
            b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        b.write(0xFF);
        b.writeBytes(new byte[8]);
        return b.toByteArray();
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.redmesh.node.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately dumb RESP client for tests: sends commands as multibulk (or raw bytes) and
 * returns each reply as the exact bytes the server sent, so differential tests can compare a
 * real redis-server and RedMesh byte for byte.
 */
public final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RespClient connect(int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            return new RespClient(s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect to 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects over TLS with {@code tls} (trust and, when it holds one, the client certificate to
     * present); the handshake is done before this returns. With a null context, as {@link #connect(int)}.
     */
    public static RespClient connect(int port, javax.net.ssl.SSLContext tls) {
        if (tls == null) {
            return connect(port);
        }
        try {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                    .createSocket(plain, "127.0.0.1", port, true);
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            s.startHandshake();
            return new RespClient(s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect over TLS to 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    public static byte[] encode(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    public static byte[][] args(String... args) {
        byte[][] r = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            r[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return r;
    }

    /** Sends a command and returns the raw bytes of its reply. */
    public byte[] call(byte[]... args) {
        send(encode(args));
        return readReply();
    }

    public byte[] call(String... args) {
        return call(args(args));
    }

    /** The raw reply as a Java string (ISO-8859-1, so bytes map 1:1). */
    public String callString(String... args) {
        return new String(call(args), StandardCharsets.ISO_8859_1);
    }

    public void send(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads exactly one complete reply (of any RESP2/RESP3 type) and returns its bytes. */
    public byte[] readReply() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            readValue(b);
        } catch (IOException e) {
            throw new IllegalStateException("reading reply: " + e.getMessage(), e);
        }
        return b.toByteArray();
    }

    public String readReplyString() {
        return new String(readReply(), StandardCharsets.ISO_8859_1);
    }

    private String line(ByteArrayOutputStream b) throws IOException {
        ByteArrayOutputStream l = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            b.write(c);
            if (prev == '\r' && c == '\n') {
                byte[] x = l.toByteArray();
                return new String(x, 0, x.length - 1, StandardCharsets.ISO_8859_1);
            }
            l.write(c);
            prev = c;
        }
    }

    private void readValue(ByteArrayOutputStream b) throws IOException {
        String l = line(b);
        char t = l.charAt(0);
        String rest = l.substring(1);
        switch (t) {
            case '+': case '-': case ':': case '_': case ',': case '#': case '(':
                return;
            case '$': case '=': case '!': {
                long n = Long.parseLong(rest);
                if (n < 0) {
                    return;
                }
                byte[] data = in.readNBytes((int) n + 2);
                b.writeBytes(data);
                return;
            }
            case '*': case '~': case '>': {
                long n = Long.parseLong(rest);
                for (long i = 0; i < n; i++) {
                    readValue(b);
                }
                return;
            }
            case '%': case '|': {
                long n = Long.parseLong(rest);
                for (long i = 0; i < 2 * n; i++) {
                    readValue(b);
                }
                if (t == '|') {
                    readValue(b); // the attributed value itself
                }
                return;
            }
            default:
                throw new IOException("unknown RESP type '" + t + "' in line " + l);
        }
    }

    /** True when the server has closed the connection (reads EOF within the timeout). */
    public boolean closedByServer(int timeoutMillis) {
        try {
            socket.setSoTimeout(timeoutMillis);
            return in.read() < 0;
        } catch (IOException e) {
            return e instanceof java.net.SocketException;
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}

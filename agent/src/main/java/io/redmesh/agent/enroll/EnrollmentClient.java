package io.redmesh.agent.enroll;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One request to an issuer's {@link EnrollmentServer}: the issuer must present a certificate
 * chaining to {@code trust} whose SAN matches the address dialled (as redis-cli checks a server);
 * {@code identity} (may supply null) is shown as the client certificate for renewals.
 */
public final class EnrollmentClient {
    private EnrollmentClient() {}

    public static byte[] call(String host, int port, Collection<X509Certificate> trust,
                              Supplier<TlsIdentity.Material> identity, byte[] request) throws IOException {
        SSLSocket s = (SSLSocket) TlsIdentity.context(identity, trust).getSocketFactory().createSocket();
        try (s) {
            s.connect(new InetSocketAddress(host, port), EnrollmentServer.TIMEOUT_MILLIS);
            s.setSoTimeout(EnrollmentServer.TIMEOUT_MILLIS);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(request.length);
            out.write(request);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int len = in.readInt();
            if (len < 0 || len > EnrollmentServer.MAX_FRAME) {
                throw new IOException("issuer answered an oversized frame");
            }
            byte[] answer = new byte[len];
            in.readFully(answer);
            return answer;
        }
    }
}

package io.redmesh.sentinel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An instance's address as Redis's sentinelAddr keeps it: the name it was given (a hostname or
 * an IP), the IP it resolved to, the port. Without {@code resolve-hostnames} only IP addresses
 * are accepted (Redis's ANET_IP_ONLY); with it a name is resolved, and an instance whose name
 * does not resolve yet may be kept with an empty IP (it is resolved again at each reconnection).
 */
final class Address {
    /** Why an address was refused (Redis's errno: ENOENT, EINVAL). */
    static final class AddressException extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean badPort;

        AddressException(boolean badPort, String message) {
            super(message);
            this.badPort = badPort;
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    final String hostname;
    final String ip;
    final int port;

    private Address(String hostname, String ip, int port) {
        this.hostname = hostname;
        this.ip = ip;
        this.port = port;
    }

    /** createSentinelAddr(). */
    static Address create(String hostname, int port, boolean acceptUnresolved, boolean resolveHostnames)
            throws AddressException {
        if (port < 0 || port > 65535) {
            throw new AddressException(true, "Invalid port number.");
        }
        String ip = resolve(hostname, resolveHostnames);
        if (ip == null) {
            io.redmesh.node.spi.NodeLog.warning("Failed to resolve hostname '" + hostname + "'");
            if (resolveHostnames && acceptUnresolved) {
                ip = "";
            } else {
                throw new AddressException(false, "Can't resolve instance hostname.");
            }
        }
        return new Address(hostname, ip, port);
    }

    /** anetResolve(): an IP literal as it is (normalised), a name only when resolving is on; null if it fails. */
    static String resolve(String host, boolean resolveHostnames) {
        boolean literal = IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
        if (!literal && !resolveHostnames) {
            return null;
        }
        if (literal && (!host.matches("[0-9a-fA-F:.%]+") || !validOctets(host))) {
            return null; // not an address: never let it reach a DNS lookup
        }
        try {
            // a literal never touches DNS; a name is looked up (Redis blocks on getaddrinfo too)
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private static boolean validOctets(String host) {
        if (!IPV4.matcher(host).matches()) {
            return true;
        }
        for (String o : host.split("\\.")) {
            if (Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    /** sentinelAddrIsEqual(): same IP (case-insensitive) and port. */
    boolean sameIpAndPort(Address o) {
        return port == o.port && ip.equalsIgnoreCase(o.ip);
    }

    /** sentinelAddrOrHostnameEqual(): same port, and same IP or same name. */
    boolean sameIpOrHostname(Address o) {
        return port == o.port && (ip.equals(o.ip) || hostname.equalsIgnoreCase(o.hostname));
    }

    /** sentinelAddrEqualsHostname(): {@code host} resolves to this IP. */
    boolean resolvesTo(String host, boolean resolveHostnames) {
        if (host == null) {
            return false;
        }
        String other = resolve(host, resolveHostnames);
        return other != null && ip.equalsIgnoreCase(other);
    }

    /** announceSentinelAddr(): the name with announce-hostnames, else the IP. */
    String announce(boolean announceHostnames) {
        return announceHostnames ? hostname : ip;
    }

    /** announceSentinelAddrAndPort(): "host:port", an IPv6 address in brackets. */
    String announceWithPort(boolean announceHostnames) {
        String a = announce(announceHostnames);
        return a.indexOf(':') >= 0 ? "[" + a + "]:" + port : a + ":" + port;
    }

    @Override
    public String toString() {
        return hostname.toLowerCase(Locale.ROOT).equals(ip) ? ip + ":" + port : hostname + "(" + ip + "):" + port;
    }
}

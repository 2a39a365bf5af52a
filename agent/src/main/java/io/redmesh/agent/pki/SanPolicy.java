package io.redmesh.agent.pki;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which DNS names and IP addresses an issuer puts in a leaf on a node's request. The node name
 * is bound by the join token (or the current certificate); the addresses are the node's claim.
 *
 * <p>Default ({@link #defaults()}): any well-formed DNS name without wildcards, any unicast IP
 * (loopback included), at most {@value #MAX_SANS} entries. Wildcards, 0.0.0.0/:: and multicast
 * are always refused: a certificate names where a node is reached, not a range. The issuer
 * cannot know a node's network addresses in general, so restricting them is opt-in:
 * {@link #restricted} admits only "localhost", the node's own name, names under the given DNS
 * suffixes, loopback and addresses in the given CIDR ranges.
 */
public final class SanPolicy {
    public static final int MAX_SANS = 32;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final boolean restricted;
    private final List<String> dnsSuffixes;
    private final List<byte[][]> cidrs; // {network, mask}

    private SanPolicy(boolean restricted, List<String> dnsSuffixes, List<byte[][]> cidrs) {
        this.restricted = restricted;
        this.dnsSuffixes = dnsSuffixes;
        this.cidrs = cidrs;
    }

    public static SanPolicy defaults() {
        return new SanPolicy(false, List.of(), List.of());
    }

    /**
     * Only localhost, the node's own name, names ending in one of {@code dnsSuffixes}
     * (".example.net" or "example.net"), loopback IPs and IPs in {@code cidrs} ("10.0.0.0/8").
     */
    public static SanPolicy restricted(List<String> dnsSuffixes, List<String> cidrs) throws PkiException {
        List<String> suffixes = new ArrayList<>();
        for (String s : dnsSuffixes) {
            String t = s.toLowerCase(Locale.ROOT);
            suffixes.add(t.startsWith(".") ? t : "." + t);
        }
        List<byte[][]> ranges = new ArrayList<>();
        for (String c : cidrs) {
            int slash = c.indexOf('/');
            if (slash < 0) {
                throw new PkiException("invalid CIDR '" + c + "' (expected address/prefix)");
            }
            byte[] net = Names.parseIp(c.substring(0, slash)).getAddress();
            int prefix;
            try {
                prefix = Integer.parseInt(c.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new PkiException("invalid CIDR '" + c + "'");
            }
            if (prefix < 0 || prefix > net.length * 8) {
                throw new PkiException("invalid CIDR '" + c + "'");
            }
            byte[] mask = new byte[net.length];
            for (int i = 0; i < prefix; i++) {
                mask[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
            ranges.add(new byte[][] {net, mask});
        }
        return new SanPolicy(true, List.copyOf(suffixes), List.copyOf(ranges));
    }

    /** Throws with the first name or address the policy refuses. */
    public void check(String nodeName, List<String> dnsNames, List<InetAddress> ips) throws PkiException {
        if (dnsNames.size() + ips.size() > MAX_SANS) {
            throw new PkiException("too many subject alternative names (" + (dnsNames.size() + ips.size())
                    + ", at most " + MAX_SANS + ")");
        }
        for (String d : dnsNames) {
            checkDns(nodeName, d);
        }
        for (InetAddress ip : ips) {
            checkIp(ip);
        }
    }

    private void checkDns(String nodeName, String name) throws PkiException {
        String d = name.toLowerCase(Locale.ROOT);
        if (d.contains("*")) {
            throw new PkiException("DNS name '" + name + "' refused: wildcards are not issued");
        }
        if (d.isEmpty() || d.length() > 253) {
            throw new PkiException("DNS name '" + name + "' refused: not a host name");
        }
        for (String label : d.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new PkiException("DNS name '" + name + "' refused: not a host name");
            }
        }
        if (!restricted || d.equals("localhost") || d.equalsIgnoreCase(nodeName)) {
            return;
        }
        for (String s : dnsSuffixes) {
            if (d.endsWith(s)) {
                return;
            }
        }
        throw new PkiException("DNS name '" + name + "' refused by the issuer's policy");
    }

    private void checkIp(InetAddress ip) throws PkiException {
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            throw new PkiException("IP address " + ip.getHostAddress() + " refused: not a unicast address");
        }
        if (!restricted || ip.isLoopbackAddress()) {
            return;
        }
        byte[] a = ip.getAddress();
        for (byte[][] r : cidrs) {
            if (r[0].length != a.length) {
                continue;
            }
            boolean in = true;
            for (int i = 0; i < a.length && in; i++) {
                in = (a[i] & r[1][i]) == (r[0][i] & r[1][i]);
            }
            if (in) {
                return;
            }
        }
        throw new PkiException("IP address " + ip.getHostAddress() + " refused by the issuer's policy");
    }
}

package io.redmesh.node.server;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the {@code bind} directive: "*" is every IPv4 address, "::*" every IPv6 address,
 * and a leading '-' makes the address optional (skipped when the system lacks it), so Redis 7's
 * default {@code bind * -::*} works on hosts without IPv6.
 */
record ListenAddress(String host, boolean optional) {
    static List<ListenAddress> parse(String bind) {
        List<ListenAddress> out = new ArrayList<>();
        for (String word : bind.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            boolean optional = word.startsWith("-");
            String h = optional ? word.substring(1) : word;
            if (h.equals("*")) {
                h = "0.0.0.0";
            } else if (h.equals("::*")) {
                h = "::";
            }
            out.add(new ListenAddress(h, optional));
        }
        // The JVM's "::" socket is dual-stack (it cannot set IPV6_V6ONLY portably), so "* -::*"
        // becomes one "::" listener that also takes IPv4, falling back to 0.0.0.0 without IPv6.
        boolean any4 = out.stream().anyMatch(a -> a.host.equals("0.0.0.0"));
        boolean any6 = out.stream().anyMatch(a -> a.host.equals("::"));
        if (any4 && any6) {
            out.removeIf(a -> a.host.equals("0.0.0.0") || a.host.equals("::"));
            out.add(0, new ListenAddress(ipv6Available() ? "::" : "0.0.0.0", false));
        }
        return out;
    }

    private static boolean ipv6Available() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("::", 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** "*:6379" / "[::1]:6379" style for log lines. */
    String display(int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

package io.redmesh.sentinel;

import io.redmesh.node.spi.ModuleCall;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SENTINEL SET master option value [option value ...] (sentinelSetCommand()): each option applied
 * in turn and announced as a +set event (auth-pass shown as ******); the first bad one stops with
 * its error, what was changed before it stays (and is saved), as in Redis.
 */
final class SentinelSet {
    private static final String DENIED = "ERR Reconfiguration of scripts path is denied for security reasons. "
            + "Check the deny-scripts-reconfig configuration directive in your Sentinel configuration";

    private final Sentinel s;

    SentinelSet(Sentinel s) {
        this.s = s;
    }

    void execute(ModuleCall c) {
        Instance ri = s.state.master(SentinelCommands.arg(c, 2));
        if (ri == null) {
            c.reply().error("ERR No such master with that name");
            return;
        }
        int argc = c.argv().length;
        int changes = 0;
        for (int j = 3; j < argc; j++) {
            int moreargs = argc - 1 - j;
            String option = SentinelCommands.arg(c, j).toLowerCase(java.util.Locale.ROOT);
            String optionAsGiven = SentinelCommands.arg(c, j);
            int oldJ = j;
            boolean redacted = false;
            String error = null;
            int badArg = -1;
            if (moreargs > 0 && (option.equals("down-after-milliseconds") || option.equals("failover-timeout")
                    || option.equals("parallel-syncs") || option.equals("quorum"))) {
                Long v = Numbers.strictLong(SentinelCommands.arg(c, ++j));
                if (v == null || v <= 0) {
                    badArg = j;
                } else {
                    switch (option) {
                        case "down-after-milliseconds" -> {
                            ri.downAfterPeriod = v;
                            ri.propagateDownAfterPeriod();
                        }
                        case "failover-timeout" -> ri.failoverTimeout = v;
                        case "parallel-syncs" -> ri.parallelSyncs = (int) Math.min(v, Integer.MAX_VALUE);
                        default -> ri.quorum = (int) Math.min(v, Integer.MAX_VALUE);
                    }
                }
            } else if (moreargs > 0 && (option.equals("notification-script") || option.equals("client-reconfig-script"))) {
                String value = SentinelCommands.arg(c, ++j);
                boolean notification = option.equals("notification-script");
                if (s.state.denyScriptsReconfig) {
                    error = DENIED;
                } else if (!value.isEmpty() && !Files.isExecutable(Path.of(value))) {
                    error = notification ? "ERR Notification script seems non existing or non executable"
                            : "ERR Client reconfiguration script seems non existing or non executable";
                } else if (notification) {
                    ri.notificationScript = value.isEmpty() ? null : value;
                } else {
                    ri.clientReconfigScript = value.isEmpty() ? null : value;
                }
            } else if (moreargs > 0 && option.equals("auth-pass")) {
                String value = SentinelCommands.arg(c, ++j);
                ri.authPass = value.isEmpty() ? null : value;
                s.links.dropInstanceConnections(ri);
                redacted = true;
            } else if (moreargs > 0 && option.equals("auth-user")) {
                String value = SentinelCommands.arg(c, ++j);
                ri.authUser = value.isEmpty() ? null : value;
                s.links.dropInstanceConnections(ri);
            } else if (moreargs > 1 && option.equals("rename-command")) {
                String oldName = SentinelCommands.arg(c, ++j);
                String newName = SentinelCommands.arg(c, ++j);
                if (oldName.isEmpty() || newName.isEmpty()) {
                    badArg = !newName.isEmpty() ? j - 1 : j;
                } else {
                    ri.renamedCommands.remove(oldName);
                    if (!oldName.equalsIgnoreCase(newName)) {
                        ri.renamedCommands.put(oldName, newName);
                    }
                }
            } else if (moreargs > 0 && option.equals("master-reboot-down-after-period")) {
                Long v = Numbers.strictLong(SentinelCommands.arg(c, ++j));
                if (v == null || v < 0) {
                    badArg = j;
                } else {
                    ri.masterRebootDownAfterPeriod = v;
                }
            } else if (moreargs > 0 && option.equals("master-tls")) {
                // RedMesh: TLS to this master and its replicas, whatever tls-replication says
                Boolean v = SentinelConfig.yesNo(SentinelCommands.arg(c, ++j));
                if (v == null) {
                    badArg = j;
                } else {
                    ri.tls = v;
                    s.links.dropInstanceConnections(ri);
                }
            } else {
                error = "ERR Unknown option or number of arguments for SENTINEL SET '" + optionAsGiven + "'";
            }
            if (badArg >= 0) {
                error = "ERR Invalid argument '" + SentinelCommands.arg(c, badArg) + "' for SENTINEL SET '"
                        + optionAsGiven + "'";
            }
            if (error != null) {
                c.reply().error(error);
                if (changes > 0) {
                    s.flushConfig();
                }
                return;
            }
            changes++;
            int numargs = j - oldJ + 1;
            String more = switch (numargs) {
                case 2 -> optionAsGiven + " " + (redacted ? "******" : SentinelCommands.arg(c, oldJ + 1));
                case 3 -> optionAsGiven + " " + SentinelCommands.arg(c, oldJ + 1) + " " + SentinelCommands.arg(c, oldJ + 2);
                default -> optionAsGiven;
            };
            s.events.instance(Events.Level.WARNING, "+set", ri, more);
        }
        if (changes > 0) {
            s.flushConfigAndReply(c.reply());
        }
    }
}

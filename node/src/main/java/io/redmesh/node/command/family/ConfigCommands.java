package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.config.ConfigParam;
import io.redmesh.node.config.ConfigRewriter;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CONFIG GET pattern [pattern ...] | SET name value [name value ...] | REWRITE | RESETSTAT | HELP.
 * The directives themselves, their parsing and their errors live in {@link ServerConfig}.
 */
final class ConfigCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("config|get", ConfigCommands::get)
         .bind("config|set", ConfigCommands::set)
         .bind("config|rewrite", ConfigCommands::rewrite)
         .bind("config|resetstat", ConfigCommands::resetstat)
         .bind("config|help", c -> Help.reply(c, "CONFIG",
                 "GET <pattern>",
                 "    Return parameters matching the glob-like <pattern> and their values.",
                 "SET <directive> <value>",
                 "    Set the configuration <directive> to <value>.",
                 "RESETSTAT",
                 "    Reset statistics reported by the INFO command.",
                 "REWRITE",
                 "    Rewrite the configuration file."));
    }

    static void get(CommandContext c) {
        List<String> patterns = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) {
            patterns.add(c.argString(i));
        }
        Map<String, String> found = c.server.config.get(patterns);
        c.reply.map(found.size());
        for (Map.Entry<String, String> e : found.entrySet()) {
            c.reply.bulk(e.getKey());
            c.reply.bulk(e.getValue());
        }
    }

    static void set(CommandContext c) {
        if (c.argc() % 2 != 0) {
            throw io.redmesh.node.util.Errors.E_SYNTAX; // name/value pairs
        }
        List<String[]> pairs = new ArrayList<>();
        for (int i = 2; i < c.argc(); i += 2) {
            pairs.add(new String[] {c.argString(i), c.argString(i + 1)});
            ConfigParam p = c.server.config.param(c.argString(i));
            if (p != null && p.has(ConfigParam.SENSITIVE)) {
                c.redact(i + 1); // passwords never reach SLOWLOG or MONITOR
            }
        }
        try {
            c.server.config.set(pairs, mode -> mode.equals("yes") || (mode.equals("local") && c.session.isLocal()));
        } catch (ServerConfig.ConfigSetError e) {
            throw RedisException.err(e.getMessage());
        }
        c.reply.ok();
    }

    static void rewrite(CommandContext c) {
        if (c.server.config.configFile() == null) {
            throw RedisException.err("The server is running without a config file");
        }
        try {
            // With an aclfile the users live there (ACL SAVE); redis.conf gets none, as in Redis
            // 7.0 (users in both would refuse the next start).
            ConfigRewriter.rewrite(c.server.config, c.server.config.getString("aclfile").isEmpty()
                    ? c.server.accessControl().userLines() : List.of());
        } catch (java.io.IOException e) {
            throw RedisException.err("Rewriting config file: " + e.getMessage());
        }
        c.reply.ok();
    }

    static void resetstat(CommandContext c) {
        c.server.stats.reset();
        c.server.keyspace.stats.reset();
        for (var s : c.server.table().all()) {
            s.calls = 0;
            s.microseconds = 0;
            s.failedCalls = 0;
            s.rejectedCalls = 0;
            s.latency = null;
        }
        c.server.slowlog.reset();
        c.server.accessControl().resetStats();
        c.reply.ok();
    }
}

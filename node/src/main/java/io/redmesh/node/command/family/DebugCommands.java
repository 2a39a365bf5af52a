package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.config.ConfigValues;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Values;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;
import io.redmesh.node.util.ServerLog;
import java.util.Locale;

/**
 * DEBUG: the subcommands Redis's own tests, client test suites and tools use, with Redis 7.0's
 * replies and errors. The dispatcher lets DEBUG through only as enable-debug-command allows (a
 * "protected" command, as in Redis 7: no by default, local for loopback and unix socket).
 *
 * <pre>
 * DEBUG OBJECT key | SLEEP s | SET-ACTIVE-EXPIRE 0|1 | RELOAD [MERGE] [NOFLUSH] [NOSAVE]
 *       DIGEST | DIGEST-VALUE key ... | PROTOCOL type | LOG message | CHANGE-REPL-ID
 *       QUICKLIST-PACKED-THRESHOLD size | LISTPACK key | QUICKLIST key [0|1] | STRINGMATCH-TEST
 *       SET-SKIP-CHECKSUM-VALIDATION 0|1
 *       HELP
 * </pre>
 *
 * The subcommands that end the process on purpose (SEGFAULT, PANIC, OOM, ASSERT, RESTART,
 * CRASH-AND-RECOVER) are refused with an error: a node is stopped by SHUTDOWN or a signal, which
 * save, wait for replicas and close links as the operator configured, never by a debug call a
 * script or a stray tool could make. JMAP (a heap dump) is refused too: it would write the
 * whole dataset, secrets included, to an unsealed file outside the node's encryption at rest.
 */
final class DebugCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("debug", DebugCommands::debug);
    }

    static void debug(CommandContext c) {
        String sub = c.argLower(1);
        int argc = c.argc();
        switch (sub) {
            case "help" -> help(c);
            case "sleep" -> {
                requireArgc(c, argc == 3);
                double secs = c.argDouble(2);
                try {
                    Thread.sleep(Math.max(0, (long) (secs * 1000))); // a negative time: no sleep, as Redis
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                c.reply.ok();
            }
            case "set-active-expire" -> {
                requireArgc(c, argc == 3);
                c.server.activeExpireEnabled(c.argLong(2) != 0);
                c.reply.ok();
            }
            case "object" -> {
                requireArgc(c, argc == 3);
                DictEntry e = existing(c, 2);
                String enc = Values.encoding(e.value, c.server.keyspace.strings);
                c.reply.simple("Value at:0x0 refcount:" + Values.refcount(e.value, c.server.keyspace.strings)
                        + " encoding:" + enc + " serializedlength:0 lru:" + (e.lru & 0xffffff) + " lru_seconds_idle:"
                        + c.server.keyspace.idleSeconds(e));
            }
            case "reload" -> reload(c);
            case "digest" -> {
                requireArgc(c, argc == 2);
                c.reply.simple(DatasetDigest.hex(DatasetDigest.dataset(c.server.keyspace)));
            }
            case "digest-value" -> {
                c.reply.array(argc - 2);
                for (int j = 2; j < argc; j++) {
                    // the dict, not a lookup: a logically expired key still has its digest
                    DictEntry e = c.db().dict().find(c.arg(j));
                    c.reply.simple(DatasetDigest.hex(DatasetDigest.value(c.db(), e)));
                }
            }
            case "protocol" -> {
                requireArgc(c, argc == 3);
                DebugProtocol.reply(c, c.argLower(2));
            }
            case "log" -> {
                requireArgc(c, argc == 3);
                // serverLog formats into LOG_MAX_LEN (1024) bytes: a 512 MB argument is not a 512 MB log line
                byte[] text = c.arg(2);
                ServerLog.warning("DEBUG LOG: " + new String(text, 0, Math.min(text.length, 1024),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                c.reply.ok();
            }
            case "change-repl-id" -> {
                requireArgc(c, argc == 2);
                ServerLog.warning("Changing replication IDs after receiving DEBUG change-repl-id");
                c.server.changeReplicationId();
                c.reply.ok();
            }
            case "quicklist-packed-threshold" -> {
                requireArgc(c, argc == 3);
                Long size = ConfigValues.memtoull(Bytes.latin1(c.arg(2)));
                // memtoull saturates at 2^64-1, which reads as negative here: refused as too big
                if (size == null || size < 0 || !c.server.keyspace.listPackedThreshold(size)) {
                    throw RedisException.err("argument must be a memory value bigger than 1 and smaller than 4gb");
                }
                c.reply.ok();
            }
            case "listpack" -> {
                requireArgc(c, argc == 3);
                DictEntry e = existing(c, 2);
                if (!Values.encoding(e.value, c.server.keyspace.strings).equals("listpack")) {
                    throw RedisException.err("Not a listpack encoded object.");
                }
                EncodingPrintout.listpack(e.value);
                c.reply.simple("Listpack structure printed on stdout");
            }
            case "quicklist" -> {
                requireArgc(c, argc == 3 || argc == 4);
                DictEntry e = existing(c, 2);
                int full = argc == 4 ? atoi(c.arg(3)) : 0;
                if (!Values.encoding(e.value, c.server.keyspace.strings).equals("quicklist")) {
                    throw RedisException.err("Not a quicklist encoded object.");
                }
                EncodingPrintout.quicklist(c.server, e.value, full != 0);
                c.reply.simple("Quicklist structure printed on stdout");
            }
            case "set-skip-checksum-validation" -> {
                requireArgc(c, argc == 3);
                c.server.skipChecksumValidation = c.argLong(2) != 0;
                c.reply.ok();
            }
            case "stringmatch-test" -> {
                requireArgc(c, argc == 2);
                GlobFuzz.run();
                c.reply.simple("Apparently Redis did not crash: test passed");
            }
            case "segfault", "panic", "oom", "assert", "restart", "crash-and-recover" -> throw RedisException.err(
                    "DEBUG " + sub.toUpperCase(Locale.ROOT) + " is refused: a debug command never stops a RedMesh node."
                            + " Use SHUTDOWN (or a signal) to stop it.");
            case "jmap" -> throw RedisException.err("DEBUG JMAP is refused: a heap dump would write the dataset"
                    + " outside the node's encryption at rest. Use MEMORY STATS or MEMORY MALLOC-STATS.");
            default -> throw c.subcommandSyntaxError();
        }
    }

    /** Redis's own help lines, in its order, for the subcommands implemented here. */
    private static void help(CommandContext c) {
        Help.reply(c, "DEBUG",
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low level info about `key` and associated value.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                "    * MERGE: conflicting keys will be loaded from RDB.",
                "    * NOFLUSH: the existing database will not be removed before load, but",
                "      conflicting keys will generate an exception and kill the server.",
                "    * NOSAVE: the database will be loaded from an existing RDB file.",
                "    Examples:",
                "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
                "      the database.",
                "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
                "      existing RDB file.",
                "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
                "      file to the database.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "QUICKLIST-PACKED-THRESHOLD <size>",
                "    Sets the threshold for elements to be inserted as plain vs packed nodes",
                "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
                "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
                "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
                "STRINGMATCH-TEST",
                "    Run a fuzz tester against the stringmatchlen() function.",
                "LISTPACK <key>",
                "    Show low level info about the listpack encoding of <key>.",
                "QUICKLIST <key> [<0|1>]",
                "    Show low level info about the quicklist encoding of <key>.",
                "    The optional argument (0 by default) sets the level of detail");
    }

    /**
     * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the RDB, empty the dataset, load the file
     * back. Where Redis kills the server (NOFLUSH without MERGE and a key both in memory and in
     * the file), the reload is refused and nothing changes.
     */
    private static void reload(CommandContext c) {
        boolean merge = false;
        boolean flush = true;
        boolean save = true;
        for (int j = 2; j < c.argc(); j++) {
            if (c.argIs(j, "MERGE")) {
                merge = true;
            } else if (c.argIs(j, "NOFLUSH")) {
                flush = false;
            } else if (c.argIs(j, "NOSAVE")) {
                save = false;
            } else {
                throw RedisException.err("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            }
        }
        String error = c.server.persistence().reload(merge, flush, save);
        if (error != null) {
            c.reply.error(error);
            return;
        }
        ServerLog.warning("DB reloaded by DEBUG RELOAD");
        c.reply.ok();
    }

    private static DictEntry existing(CommandContext c, int i) {
        DictEntry e = c.db().entry(c.arg(i));
        if (e == null) {
            throw RedisException.err("no such key");
        }
        return e;
    }

    private static void requireArgc(CommandContext c, boolean ok) {
        if (!ok) {
            throw c.subcommandSyntaxError();
        }
    }

    /** C's atoi(): leading digits with an optional sign, 0 when there are none. */
    static int atoi(byte[] s) {
        int i = 0;
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean neg = i < s.length && s[i] == '-';
        if (i < s.length && (s[i] == '-' || s[i] == '+')) {
            i++;
        }
        long v = 0;
        while (i < s.length && s[i] >= '0' && s[i] <= '9' && v < Integer.MAX_VALUE) {
            v = v * 10 + (s[i++] - '0');
        }
        return (int) (neg ? -v : v);
    }
}

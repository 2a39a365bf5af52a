package io.redmesh.node.command.family;

import io.redmesh.node.acl.Acl;
import io.redmesh.node.acl.AclDescriber;
import io.redmesh.node.acl.AclFile;
import io.redmesh.node.acl.AclLog;
import io.redmesh.node.acl.AclPermissions;
import io.redmesh.node.acl.AclRuleParser;
import io.redmesh.node.acl.AclSelector;
import io.redmesh.node.acl.AclUser;
import io.redmesh.node.command.AclCategory;
import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The ACL command: a thin layer over {@link Acl} with Redis 7.0.15's replies and errors.
 *
 * <pre>
 * ACL SETUSER username [rule [rule ...]]     ACL GETUSER username
 * ACL DELUSER username [username ...]        ACL LIST | USERS | WHOAMI
 * ACL CAT [category]                         ACL GENPASS [bits]
 * ACL LOG [count | RESET]                    ACL SAVE | LOAD
 * ACL DRYRUN username command [arg ...]      ACL HELP
 * </pre>
 */
public final class AclCommands implements CommandFamily {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("acl|setuser", this::setuser)
         .bind("acl|getuser", this::getuser)
         .bind("acl|deluser", this::deluser)
         .bind("acl|list", c -> list(c, false))
         .bind("acl|users", c -> list(c, true))
         .bind("acl|whoami", c -> c.reply.bulk(c.session.user))
         .bind("acl|cat", this::cat)
         .bind("acl|genpass", this::genpass)
         .bind("acl|log", this::log)
         .bind("acl|save", this::save)
         .bind("acl|load", this::load)
         .bind("acl|dryrun", this::dryrun)
         .bind("acl|help", this::help);
    }

    /** The engine these commands act on: the server's, given once the command table exists. */
    private Acl acl;

    /** Binds the commands to the server's ACL engine (the composition root, once). */
    public void engine(Acl engine) {
        if (acl != null) {
            throw new IllegalStateException("ACL commands are already bound to an engine");
        }
        acl = engine;
    }

    private Acl acl(CommandContext c) {
        return acl;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** C's "%s" of an argument: up to the first NUL. */
    private static String cstr(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    void setuser(CommandContext c) {
        for (int j = 2; j < c.argc(); j++) {
            c.redact(j); // rules may hold passwords: never shown by SLOWLOG or MONITOR
        }
        String name = str(c.arg(2));
        if (AclRuleParser.hasSpaces(name)) {
            throw RedisException.err("Usernames can't contain spaces or null characters");
        }
        List<String> args = new ArrayList<>();
        for (int i = 3; i < c.argc(); i++) {
            args.add(str(c.arg(i)));
        }
        int[] bad = new int[1];
        List<String> rules = AclRuleParser.mergeSelectorArguments(args, bad);
        if (rules == null) {
            throw RedisException.err("Unmatched parenthesis in acl selector starting at '"
                    + cstr(str(c.arg(bad[0] + 3))) + "'.");
        }
        try {
            acl(c).setUser(name, rules);
        } catch (Acl.SetUserException e) {
            throw RedisException.err("Error in ACL SETUSER modifier '" + cstr(e.rule) + "': " + e.getMessage());
        }
        acl(c).changes.publish(c.session.user + "@" + c.session.transport().remoteAddress());
        c.reply.ok();
    }

    void getuser(CommandContext c) {
        AclUser u = acl(c).user(str(c.arg(2)));
        if (u == null) {
            c.reply.nullBulk(); // Redis 7.0 answers a null, not an error
            return;
        }
        Reply r = c.reply;
        r.map(6);
        r.bulk("flags");
        List<String> flags = u.flagNames();
        r.set(flags.size());
        for (String f : flags) {
            r.bulk(f);
        }
        r.bulk("passwords");
        r.array(u.passwordHashes().size());
        for (String h : u.passwordHashes()) {
            r.bulk(h);
        }
        AclDescriber d = acl(c).describer();
        selectorFields(r, d, u.root());
        r.bulk("selectors");
        r.array(u.selectors().size() - 1);
        for (AclSelector s : u.selectors().subList(1, u.selectors().size())) {
            r.map(3);
            selectorFields(r, d, s);
        }
    }

    private static void selectorFields(Reply r, AclDescriber d, AclSelector s) {
        r.bulk("commands");
        r.bulk(d.describeCommandRules(s));
        r.bulk("keys");
        r.bulk(AclDescriber.keysField(s));
        r.bulk("channels");
        r.bulk(AclDescriber.channelsField(s));
    }

    void deluser(CommandContext c) {
        for (int j = 2; j < c.argc(); j++) {
            if (str(c.arg(j)).equals("default")) {
                throw RedisException.err("The 'default' user cannot be removed");
            }
        }
        int deleted = 0;
        for (int j = 2; j < c.argc(); j++) {
            if (acl(c).deleteUser(str(c.arg(j)))) {
                deleted++;
            }
        }
        if (deleted > 0) {
            acl(c).changes.publish(c.session.user + "@" + c.session.transport().remoteAddress());
        }
        c.reply.integer(deleted);
    }

    void list(CommandContext c, boolean namesOnly) {
        List<AclUser> users = acl(c).users();
        c.reply.array(users.size());
        for (AclUser u : users) {
            c.reply.bulk(namesOnly ? u.name() : acl(c).describer().userLine(u));
        }
    }

    void cat(CommandContext c) {
        if (c.argc() == 2) {
            AclCategory[] all = AclCategory.values();
            c.reply.array(all.length);
            for (AclCategory a : all) {
                c.reply.bulk(a.wireName());
            }
            return;
        }
        if (c.argc() != 3) {
            throw c.subcommandSyntaxError();
        }
        AclCategory cat = AclCategory.fromWire(str(c.arg(2)));
        if (cat == null) {
            throw RedisException.err("Unknown category '" + Bytes.truncateForError(cstr(str(c.arg(2)))) + "'");
        }
        List<String> names = new ArrayList<>();
        collect(c.server.table().catCommands(), cat.bit, names);
        c.reply.array(names.size());
        for (String n : names) {
            c.reply.bulk(n);
        }
    }

    private static void collect(List<CommandSpec> commands, long bit, List<String> out) {
        for (CommandSpec cmd : commands) {
            if ((cmd.aclCategories & bit) != 0) {
                out.add(cmd.fullName);
            }
            collect(cmd.declaredSubcommands(), bit, out);
        }
    }

    void genpass(CommandContext c) {
        if (c.argc() > 3) {
            throw c.subcommandSyntaxError();
        }
        long bits = c.argc() == 3 ? c.argLong(2) : 256;
        if (bits <= 0 || bits > 4096) {
            throw RedisException.err("ACL GENPASS argument must be the number of bits for the output password, a "
                    + "positive number up to 4096");
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] raw = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(raw);
        c.reply.bulk(HexFormat.of().formatHex(raw).substring(0, chars));
    }

    void log(CommandContext c) {
        if (c.argc() > 3) {
            throw c.subcommandSyntaxError();
        }
        long count = 10;
        if (c.argc() == 3) {
            if (str(c.arg(2)).equalsIgnoreCase("reset")) {
                acl(c).log.reset();
                c.reply.ok();
                return;
            }
            count = Math.max(0, c.argLong(2));
        }
        List<AclLog.Entry> entries = acl(c).log.newest(count);
        long now = System.currentTimeMillis();
        Reply r = c.reply;
        r.array(entries.size());
        for (AclLog.Entry e : entries) {
            r.map(7);
            r.bulk("count");
            r.integer(e.count);
            r.bulk("reason");
            r.bulk(e.reason);
            r.bulk("context");
            r.bulk(e.context);
            r.bulk("object");
            r.bulk(e.object.getBytes(StandardCharsets.ISO_8859_1));
            r.bulk("username");
            r.bulk(e.username.getBytes(StandardCharsets.ISO_8859_1));
            r.bulk("age-seconds");
            r.dbl((double) (now - e.updatedMillis) / 1000);
            r.bulk("client-info");
            r.bulk(e.clientInfo.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private String aclfile(CommandContext c) {
        String f = c.server.config.getString("aclfile");
        if (f.isEmpty()) {
            throw RedisException.err("This Redis instance is not configured to use an ACL file. You may want to "
                    + "specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have "
                    + "a Redis configuration file set) in order to store users in the Redis configuration.");
        }
        return f;
    }

    void save(CommandContext c) {
        if (!AclFile.save(acl(c), aclfile(c))) {
            throw RedisException.err("There was an error trying to save the ACLs. Please check the server logs for "
                    + "more information");
        }
        c.reply.ok();
    }

    void load(CommandContext c) {
        String errors = AclFile.load(acl(c), aclfile(c));
        if (errors != null) {
            throw RedisException.err(errors);
        }
        acl(c).changes.publish(c.session.user + "@" + c.session.transport().remoteAddress());
        c.reply.ok();
    }

    void dryrun(CommandContext c) {
        String name = str(c.arg(2));
        AclUser u = acl(c).user(name);
        if (u == null) {
            throw RedisException.err("User '" + cstr(name) + "' not found");
        }
        CommandSpec cmd = c.server.table().get(str(c.arg(3)).toLowerCase(Locale.ROOT));
        if (cmd != null && cmd.isContainer() && c.argc() > 4) {
            cmd = cmd.subcommand(str(c.arg(4)).toLowerCase(Locale.ROOT));
        }
        if (cmd == null) {
            throw RedisException.err("Command '" + cstr(str(c.arg(3))) + "' not found");
        }
        byte[][] argv = java.util.Arrays.copyOfRange(c.argv, 3, c.argc());
        if (!cmd.arityOk(argv.length)) {
            throw RedisException.err("wrong number of arguments for '" + cmd.fullName + "' command");
        }
        AclPermissions.Result res = AclPermissions.check(u, cmd, argv);
        if (res.allowed()) {
            c.reply.ok();
            return;
        }
        String err = switch (res.code()) {
            case AclPermissions.DENIED_CMD -> "This user has no permissions to run the '" + cmd.fullName + "' command";
            case AclPermissions.DENIED_KEY -> "This user has no permissions to access the '"
                    + cstr(str(argv[res.argIndex()])) + "' key";
            default -> "This user has no permissions to access the '" + cstr(str(argv[res.argIndex()])) + "' channel";
        };
        c.reply.bulk(err);
    }

    void help(CommandContext c) {
        Help.reply(c, "ACL",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }
}

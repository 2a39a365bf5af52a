package io.redmesh.node.command.family;

import com.fasterxml.jackson.databind.JsonNode;
import io.redmesh.node.command.AclCategory;
import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandFlag;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyExtractor;
import io.redmesh.node.command.KeySpec;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.GlobPattern;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * COMMAND [COUNT | LIST [FILTERBY MODULE m|ACLCAT c|PATTERN p] | INFO [name ...] | DOCS [name ...]
 * | GETKEYS cmd ... | GETKEYSANDFLAGS cmd ... | HELP]. Everything is answered from the command
 * table, in the reply shapes Redis 7.0 uses (addReplyCommandInfo / addReplyCommandDocs).
 */
final class CommandCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("command", CommandCommands::all)
         .bind("command|count", c -> c.reply.integer(c.server.table().topLevel().size()))
         .bind("command|list", CommandCommands::list)
         .bind("command|info", CommandCommands::info)
         .bind("command|docs", CommandCommands::docs)
         .bind("command|getkeys", c -> getkeys(c, false))
         .bind("command|getkeysandflags", c -> getkeys(c, true))
         .bind("command|help", c -> Help.reply(c, "COMMAND",
                 "(no subcommand)",
                 "    Return details about all Redis commands.",
                 "COUNT",
                 "    Return the total number of commands in this Redis server.",
                 "LIST",
                 "    Return a list of all commands in this Redis server.",
                 "INFO [<command-name> ...]",
                 "    Return details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "DOCS [<command-name> ...]",
                 "    Return documentation details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "GETKEYS <full-command>",
                 "    Return the keys from a full Redis command.",
                 "GETKEYSANDFLAGS <full-command>",
                 "    Return the keys and the access flags from a full Redis command."));
    }

    static void all(CommandContext c) {
        c.reply.array(c.server.table().topLevel().size());
        for (CommandSpec s : c.server.table().topLevel()) {
            commandInfo(c.reply, s);
        }
    }

    /** addReplyCommandInfo(): the 10-element description of a command. */
    static void commandInfo(Reply r, CommandSpec s) {
        r.array(10);
        r.bulk(s.fullName);
        r.integer(s.arity);
        List<String> flags = new ArrayList<>();
        for (CommandFlag f : s.flags) {
            if (f.shown()) {
                flags.add(f.wireName());
            }
        }
        r.set(flags.size());
        for (String f : flags) {
            r.simple(f);
        }
        r.integer(s.firstKey);
        r.integer(s.lastKey);
        r.integer(s.keyStep);
        List<String> cats = new ArrayList<>();
        for (AclCategory a : AclCategory.values()) {
            if (s.inCategory(a)) {
                cats.add("@" + a.wireName());
            }
        }
        r.set(cats.size());
        for (String cat : cats) {
            r.simple(cat);
        }
        r.set(s.tips.size());
        for (String t : s.tips) {
            r.bulk(t);
        }
        r.set(s.keySpecs.size());
        for (KeySpec k : s.keySpecs) {
            keySpec(r, k);
        }
        Map<String, CommandSpec> subs = s.subcommands();
        if (subs.isEmpty()) {
            r.set(0); // addReplyCommandSubCommands(): an empty set without subcommands...
        } else {
            r.array(subs.size()); // ...but an array (even in RESP3) for a container
        }
        for (CommandSpec sub : subs.values()) {
            commandInfo(r, sub);
        }
    }

    private static void keySpec(Reply r, KeySpec k) {
        r.map(k.notes() == null ? 3 : 4);
        if (k.notes() != null) {
            r.bulk("notes");
            r.bulk(k.notes());
        }
        r.bulk("flags");
        r.set(k.flags().size());
        for (String f : k.flags()) {
            r.simple(f);
        }
        r.bulk("begin_search");
        r.map(2);
        r.bulk("type");
        r.bulk(k.begin().type());
        r.bulk("spec");
        switch (k.begin().type()) {
            case "index":
                r.map(1);
                r.bulk("index");
                r.integer(k.begin().index());
                break;
            case "keyword":
                r.map(2);
                r.bulk("keyword");
                r.bulk(k.begin().keyword());
                r.bulk("startfrom");
                r.integer(k.begin().startFrom());
                break;
            default:
                r.map(0);
        }
        r.bulk("find_keys");
        r.map(2);
        r.bulk("type");
        r.bulk(k.find().type());
        r.bulk("spec");
        switch (k.find().type()) {
            case "range":
                r.map(3);
                r.bulk("lastkey");
                r.integer(k.find().lastKey());
                r.bulk("keystep");
                r.integer(k.find().keyStep());
                r.bulk("limit");
                r.integer(k.find().limit());
                break;
            case "keynum":
                r.map(3);
                r.bulk("keynumidx");
                r.integer(k.find().keyNumIdx());
                r.bulk("firstkey");
                r.integer(k.find().firstKey());
                r.bulk("keystep");
                r.integer(k.find().keyStep());
                break;
            default:
                r.map(0);
        }
    }

    static void info(CommandContext c) {
        if (c.argc() == 2) {
            all(c);
            return;
        }
        c.reply.array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            CommandSpec s = c.server.table().find(c.argString(i));
            if (s == null) {
                c.reply.nullBulk();
            } else {
                commandInfo(c.reply, s);
            }
        }
    }

    static void docs(CommandContext c) {
        List<CommandSpec> list = new ArrayList<>();
        if (c.argc() == 2) {
            list.addAll(c.server.table().topLevel());
        } else {
            for (int i = 2; i < c.argc(); i++) {
                CommandSpec s = c.server.table().find(c.argString(i));
                if (s != null) {
                    list.add(s);
                }
            }
        }
        c.reply.map(list.size());
        for (CommandSpec s : list) {
            c.reply.bulk(s.fullName);
            commandDocs(c.reply, s);
        }
    }

    /** addReplyCommandDocs(): the docs map, replayed from the table in Redis's field order. */
    static void commandDocs(Reply r, CommandSpec s) {
        JsonNode d = s.docs;
        List<String> fields = new ArrayList<>();
        for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
            fields.add(it.next());
        }
        boolean subs = !s.subcommands().isEmpty();
        r.map(fields.size() + (subs ? 1 : 0));
        for (String f : fields) {
            r.bulk(f);
            JsonNode v = d.get(f);
            switch (f) {
                case "doc_flags":
                    r.set(v.size());
                    for (JsonNode x : v) {
                        r.simple(x.asText());
                    }
                    break;
                case "history":
                    r.set(v.size());
                    for (JsonNode h : v) {
                        r.array(h.size());
                        for (JsonNode x : h) {
                            r.bulk(x.asText());
                        }
                    }
                    break;
                case "arguments":
                    arguments(r, v);
                    break;
                default:
                    scalar(r, v);
            }
        }
        if (subs) {
            r.bulk("subcommands");
            r.map(s.subcommands().size());
            for (CommandSpec sub : s.subcommands().values()) {
                r.bulk(sub.fullName);
                commandDocs(r, sub);
            }
        }
    }

    private static void arguments(Reply r, JsonNode args) {
        r.array(args.size());
        for (JsonNode a : args) {
            List<String> fields = new ArrayList<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
            r.map(fields.size());
            for (String f : fields) {
                r.bulk(f);
                JsonNode v = a.get(f);
                if (f.equals("flags")) {
                    r.set(v.size());
                    for (JsonNode x : v) {
                        r.simple(x.asText());
                    }
                } else if (f.equals("arguments")) {
                    arguments(r, v);
                } else {
                    scalar(r, v);
                }
            }
        }
    }

    private static void scalar(Reply r, JsonNode v) {
        if (v.isNumber()) {
            r.integer(v.asLong());
        } else {
            r.bulk(v.asText());
        }
    }

    /** COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN glob]. */
    static void list(CommandContext c) {
        List<String> names = new ArrayList<>();
        String by = null;
        String arg = null;
        if (c.argc() == 5 && c.argIs(2, "FILTERBY")) {
            by = c.argLower(3);
            arg = c.argString(4);
        } else if (c.argc() != 2) {
            throw Errors.E_SYNTAX;
        }
        AclCategory cat = null;
        if ("aclcat".equals(by)) {
            cat = AclCategory.fromWire(arg);
        } else if (by != null && !by.equals("module") && !by.equals("pattern")) {
            throw Errors.E_SYNTAX;
        }
        GlobPattern glob = "pattern".equals(by)
                ? GlobPattern.compileIgnoreCase(arg.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                : null;
        for (CommandSpec s : c.server.table().topLevel()) {
            for (CommandSpec x : withSubcommands(s)) {
                if (by == null) {
                    names.add(x.fullName);
                } else if (by.equals("aclcat")) {
                    if (cat != null && x.inCategory(cat)) {
                        names.add(x.fullName);
                    }
                } else if (by.equals("pattern")) {
                    if (glob.matches(x.fullName.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))) {
                        names.add(x.fullName);
                    }
                }
            }
        }
        c.reply.array(names.size());
        for (String n : names) {
            c.reply.bulk(n);
        }
    }

    private static List<CommandSpec> withSubcommands(CommandSpec s) {
        List<CommandSpec> l = new ArrayList<>();
        l.add(s);
        l.addAll(s.subcommands().values());
        return l;
    }

    /**
     * COMMAND GETKEYS / GETKEYSANDFLAGS (getKeysSubcommandImpl()): the keys of a full command
     * line, checked in Redis's order: a known command, one that has keys, the right arity.
     */
    static void getkeys(CommandContext c, boolean withFlags) {
        byte[][] argv = java.util.Arrays.copyOfRange(c.argv, 2, c.argc());
        CommandSpec s = c.server.table().get(c.argLower(2));
        if (s != null && s.isContainer() && argv.length >= 2) {
            s = s.subcommand(new String(argv[1], java.nio.charset.StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT));
        }
        if (s == null) {
            throw RedisException.err("Invalid command specified");
        }
        if (s.keySpecs.isEmpty()) {
            throw RedisException.err("The command has no key arguments");
        }
        if (!s.arityOk(argv.length)) {
            throw RedisException.err("Invalid number of arguments specified for command");
        }
        KeyExtractor.Keys keys = KeyExtractor.keys(s, argv, argv.length);
        if (keys.count() == 0) {
            if (s.has(CommandFlag.NO_MANDATORY_KEYS)) {
                c.reply.array(0);
                return;
            }
            throw RedisException.err("Invalid arguments specified for command");
        }
        c.reply.array(keys.count());
        for (int i = 0; i < keys.count(); i++) {
            if (withFlags) {
                c.reply.array(2);
                c.reply.bulk(argv[keys.position(i)]);
                List<String> flags = keys.flags(s, i);
                c.reply.set(flags.size());
                for (String f : flags) {
                    c.reply.simple(f);
                }
            } else {
                c.reply.bulk(argv[keys.position(i)]);
            }
        }
    }
}

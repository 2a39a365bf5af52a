package io.redmesh.node.config;

import io.redmesh.node.util.Sds;
import io.redmesh.node.util.ArgSplitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads configuration the way redis-server does: the file first, then command-line directives
 * ({@code --port 7000 --save ""}), which are appended as further lines and so win. A bad line
 * stops start-up with Redis's "FATAL CONFIG FILE ERROR" report naming the line.
 */
public final class ConfigLoader {
    /** A fatal configuration error, carrying the report Redis prints. */
    public static final class FatalConfigError extends Exception {
        private static final long serialVersionUID = 1L;

        FatalConfigError(String report) {
            super(report);
        }
    }

    private final ServerConfig config;
    private final String version;
    /** Raw "user ..." lines, handed to the ACL layer. */
    private final List<List<String>> userLines = new ArrayList<>();
    /** rename-command pairs (old, new), applied to the command table. */
    private final List<String[]> renames = new ArrayList<>();

    /** Checks a "user" line while the file is read (the ACL layer supplies it; config cannot depend on it). */
    public interface UserLineCheck {
        /** @param argv the line without "user"; returns Redis's error text, or null when valid */
        String check(List<String> argv);
    }

    private UserLineCheck userLineCheck = argv -> null;

    public ConfigLoader(ServerConfig config, String version) {
        this.config = config;
        this.version = version;
    }

    /** Makes a bad "user" line a FATAL CONFIG FILE ERROR at its line, as in Redis. */
    public ConfigLoader checkUserLines(UserLineCheck check) {
        this.userLineCheck = check;
        return this;
    }

    public List<List<String>> userLines() {
        return userLines;
    }

    public List<String[]> renames() {
        return renames;
    }

    /**
     * Turns redis-server style arguments into config text: an optional file path first, then
     * {@code --name value...} groups, each becoming one line; a lone "-" reads stdin.
     */
    public void loadArgs(List<String> args) throws FatalConfigError {
        int i = 0;
        StringBuilder text = new StringBuilder();
        if (!args.isEmpty() && !args.get(0).startsWith("--")) {
            String file = args.get(0);
            i = 1;
            if (file.equals("-")) {
                try {
                    text.append(new String(System.in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                } catch (IOException e) {
                    throw new FatalConfigError("Fatal error, can't read config from stdin: " + e.getMessage());
                }
            } else {
                Path p = Path.of(file).toAbsolutePath();
                try {
                    text.append(Files.readString(p, StandardCharsets.ISO_8859_1)).append('\n');
                } catch (IOException e) {
                    throw new FatalConfigError("Fatal error, can't open config file '" + file + "': "
                            + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage()));
                }
                config.configFile(p);
            }
        }
        StringBuilder options = new StringBuilder();
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                if (options.length() > 0) {
                    options.append('\n');
                }
                options.append(a.substring(2)).append(' ');
            } else if (a.equals("-") ) {
                try {
                    text.append(new String(System.in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                } catch (IOException e) {
                    throw new FatalConfigError("Fatal error, can't read config from stdin: " + e.getMessage());
                }
            } else {
                options.append(Sds.repr(a)).append(' ');
            }
        }
        if (options.length() > 0) {
            // Redis joins file and options with a newline even without a file, so a bad
            // command-line directive is reported "at line 2" when it comes first.
            if (text.length() == 0) {
                text.append('\n');
            }
            text.append(options);
        }
        loadText(text.toString());
        String problem = config.startupProblem();
        if (problem != null) {
            // judged once everything is read, so an included file or a later argument counts
            throw new FatalConfigError("\n*** FATAL CONFIG FILE ERROR (Redis " + version + ") ***\n" + problem);
        }
        io.redmesh.node.spi.SentinelMode sentinel = config.sentinelMode();
        if (sentinel != null) {
            // loadSentinelConfigFromQueue(): the sentinel lines once everything else is read
            io.redmesh.node.spi.SentinelMode.DirectiveError e = sentinel.applyDirectives();
            if (e != null) {
                throw fatal(e.lineNumber(), e.line(), e.reason());
            }
        }
    }


    /**
     * loadServerConfigFromString(): one directive per line, split like sdssplitargs(); the first
     * bad line stops everything with Redis's report. Then the checks Redis makes once the whole
     * text is read.
     */
    public void loadText(String text) throws FatalConfigError {
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = Sds.trim(lines[n]);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[] raw = line.getBytes(StandardCharsets.ISO_8859_1);
            List<byte[]> parts = ArgSplitter.split(raw, 0, raw.length);
            if (parts == null) {
                throw fatal(n + 1, line, "Unbalanced quotes in configuration line");
            }
            if (parts.isEmpty()) {
                continue;
            }
            String name = new String(parts.get(0), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            List<String> argv = new ArrayList<>();
            for (int k = 1; k < parts.size(); k++) {
                argv.add(new String(parts.get(k), StandardCharsets.ISO_8859_1));
            }
            try {
                lineNumber = n + 1;
                lineText = line;
                apply(name, argv);
            } catch (ConfigException e) {
                throw fatal(n + 1, line, e.getMessage());
            }
        }
        // Redis caps hz once the file is read (CONFIG_MIN_HZ..CONFIG_MAX_HZ).
        ConfigParam hz = config.param("hz");
        hz.value = Math.max(1L, Math.min(500L, (Long) hz.value));
    }


    /** Directives Redis 7.0 still accepts and ignores, with their allowed word counts. */
    private static boolean deprecated(String name, int argc) {
        switch (name) {
            case "list-max-ziplist-entries": case "list-max-ziplist-value": case "lua-replicate-commands":
                return argc == 2;
            default:
                return false;
        }
    }

    private void apply(String name, List<String> argv) throws FatalConfigError {
        ConfigParam p = config.param(name);
        if (p != null) {
            if (p.multiArg && argv.size() == 1 && !argv.get(0).isBlank()) {
                // One quoted argument ("--save '3600 1'") is split on spaces, as Redis 7.0 does.
                argv = List.of(argv.get(0).trim().split(" +"));
            }
            if (!p.multiArg && argv.size() != 1) {
                throw new ConfigException("wrong number of arguments");
            }
            if (p.name.equals("save") && saveSeen) {
                // Further "save" lines add to the first (which replaced the defaults), as in Redis.
                String prev = (String) p.value;
                String more = (String) p.parser.parse(argv);
                p.value = prev.isEmpty() ? more : more.isEmpty() ? prev : prev + " " + more;
                return;
            }
            saveSeen |= p.name.equals("save");
            p.value = p.parser.parse(argv);
            return;
        }
        if (deprecated(name, argv.size() + 1)) {
            return;
        }
        switch (name) {
            case "include":
                if (argv.size() == 1) {
                    try {
                        loadText(Files.readString(Path.of(argv.get(0)), StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        throw new FatalConfigError("Fatal error, can't open config file '" + argv.get(0) + "': "
                                + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                                        : e.getMessage()));
                    }
                    return;
                }
                break;
            case "rename-command":
                if (argv.size() == 2) {
                    renames.add(new String[] {argv.get(0), argv.get(1)});
                config.renameCommand(argv.get(0), argv.get(1));
                    return;
                }
                break;
            case "user":
                if (!argv.isEmpty()) {
                    String error = userLineCheck.check(argv);
                    if (error != null) {
                        throw new ConfigException(error);
                    }
                    userLines.add(argv);
                    config.addUserLine(argv);
                    return;
                }
                break;
            case "loadmodule":
                if (!argv.isEmpty()) {
                    throw new ConfigException("Modules are not supported by RedMesh");
                }
                break;
            case "sentinel":
                if (argv.isEmpty()) {
                    return;
                }
                if (config.sentinelMode() == null) {
                    throw new ConfigException("sentinel directive while not in sentinel mode");
                }
                config.sentinelMode().queueDirective(List.copyOf(argv), lineNumber, lineText);
                return;
            default:
                break;
        }
        throw new ConfigException("Bad directive or wrong number of arguments");
    }

    private boolean saveSeen;
    /** The line being applied, for the sentinel lines queued until the file is read. */
    private int lineNumber;
    private String lineText;

    private FatalConfigError fatal(int line, String text, String reason) {
        return new FatalConfigError("\n*** FATAL CONFIG FILE ERROR (Redis " + version + ") ***\n"
                + "Reading the configuration file, at line " + line + "\n"
                + ">>> '" + text + "'\n" + reason);
    }
}

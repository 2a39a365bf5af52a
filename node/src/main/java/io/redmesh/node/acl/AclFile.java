package io.redmesh.node.acl;

import io.redmesh.node.util.Sds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aclfile and "user" lines of redis.conf: Redis 7.0's ACLLoadFromFile() (all or nothing,
 * every error naming its line), ACLSaveToFile() (temp file then rename) and
 * ACLLoadUsersAtStartup() (users in redis.conf and an aclfile together are refused).
 */
public final class AclFile {
    private AclFile() {}

    /** A start-up failure, with the text Redis logs before exiting. */
    public static final class StartupError extends Exception {
        private static final long serialVersionUID = 1L;

        public StartupError(String message) {
            super(message);
        }
    }

    /**
     * A parser over every declared command, for checking config lines before any server exists;
     * built on first use (holder idiom) and immutable, as the declared table is.
     */
    private static final class DeclarationParser {
        static final AclRuleParser INSTANCE =
                new AclRuleParser(io.redmesh.node.command.CommandTable.load(List.of()), () -> 0);
    }

    /**
     * config.c's check of a redis.conf "user" line (ACLAppendUserForLoading()): the rules are
     * tried on a throwaway user; unknown commands are left for start-up, as Redis leaves them.
     * The error names {@code argv[j]} of the whole line ("user" included) for the failing rule j,
     * which is how 7.0.15 reports it (one word to the left of the culprit).
     */
    public static String checkUserDeclaration(List<String> line) {
        List<String> argv = new java.util.ArrayList<>();
        argv.add("user");
        argv.addAll(line);
        int[] bad = new int[1];
        List<String> rules = AclRuleParser.mergeSelectorArguments(line.subList(1, line.size()), bad);
        if (rules == null) {
            // 7.0.15 prints whatever errno held: in practice ENOENT's text
            return "Error in user declaration '" + argv.get(bad[0]) + "': "
                    + AclRuleException.Kind.UNKNOWN_COMMAND.message;
        }
        AclRuleParser parser = DeclarationParser.INSTANCE;
        AclUser scratch = parser.newUser(line.get(0));
        for (int j = 0; j < rules.size(); j++) {
            try {
                parser.apply(scratch, rules.get(j));
            } catch (AclRuleException e) {
                if (e.kind != AclRuleException.Kind.UNKNOWN_COMMAND) {
                    return "Error in user declaration '" + argv.get(Math.min(j, argv.size() - 1)) + "': " + e.getMessage();
                }
            }
        }
        return null;
    }

    /**
     * ACLLoadUsersAtStartup(): {@code userLines} are the redis.conf "user" directives (each
     * without the "user" keyword), {@code aclfile} the aclfile directive ("" for none).
     */
    public static void loadAtStartup(Acl acl, List<List<String>> userLines, String aclfile) throws StartupError {
        if (!aclfile.isEmpty() && !userLines.isEmpty()) {
            throw new StartupError("Configuring Redis with users defined in redis.conf and at the same setting an ACL "
                    + "file path is invalid. This setup is very likely to lead to configuration errors and security "
                    + "holes, please define either an ACL file or declare users directly in your redis.conf, but "
                    + "not both.");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (List<String> line : userLines) {
            String name = line.get(0);
            if (!seen.add(name)) {
                throw new StartupError("Error in user declaration '" + name + "': "
                        + AclRuleException.Kind.DUPLICATE_USER.message);
            }
            if (AclRuleParser.hasSpaces(name)) {
                throw new StartupError("Spaces not allowed in ACL usernames");
            }
            int[] bad = new int[1];
            List<String> rules = AclRuleParser.mergeSelectorArguments(line.subList(1, line.size()), bad);
            if (rules == null) {
                throw new StartupError("Error in user declaration '" + line.get(1 + bad[0]) + "': Unmatched parenthesis");
            }
            try {
                if (name.equals("default")) {
                    acl.parser.applyUnchecked(acl.defaultUser(), "reset");
                    for (String r : rules) {
                        acl.parser.apply(acl.defaultUser(), r);
                    }
                    acl.userChanged("default");
                } else {
                    acl.setUser(name, rules);
                }
            } catch (AclRuleException e) {
                throw new StartupError("Error in user declaration '" + name + "': " + e.getMessage());
            } catch (Acl.SetUserException e) {
                throw new StartupError("Error loading ACL rule '" + printable(e.rule) + "' for the user named '" + name
                        + "': " + e.getMessage());
            }
        }
        if (!aclfile.isEmpty()) {
            String errors = load(acl, aclfile);
            if (errors != null) {
                throw new StartupError("Aborting Redis startup because of ACL errors: " + errors);
            }
        }
    }

    /**
     * ACLLoadFromFile(): null when every line loaded (and the users were replaced), else one
     * line describing every problem, nothing changed.
     */
    public static String load(Acl acl, String filename) {
        byte[] content;
        try {
            content = Files.readAllBytes(Path.of(filename));
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + filename + "': " + strerror(e);
        }
        String text = new String(content, StandardCharsets.ISO_8859_1);
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            text = text.substring(0, nul); // Redis reads it as a C string
        }
        String[] lines = text.split("\n", -1);
        StringBuilder errors = new StringBuilder();
        Map<String, AclUser> loaded = new TreeMap<>();
        for (int i = 0; i < lines.length; i++) {
            int linenum = i + 1;
            String line = Sds.trim(lines[i], " \t\r\n");
            if (line.isEmpty()) {
                continue;
            }
            String[] argv = line.split(" ", -1);
            if (!argv[0].equals("user") || argv.length < 2) {
                errors.append(filename).append(':').append(linenum)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            if (AclRuleParser.hasSpaces(argv[1])) {
                errors.append('\'').append(filename).append(':').append(linenum).append(": username '")
                        .append(argv[1]).append("' contains invalid characters. ");
                continue;
            }
            if (loaded.containsKey(argv[1])) {
                errors.append("WARNING: Duplicate user '").append(argv[1]).append("' found on line ")
                        .append(linenum).append(". ");
                continue;
            }
            AclUser u = acl.parser.newUser(argv[1]);
            loaded.put(argv[1], u);
            List<String> merged = AclRuleParser.mergeSelectorArguments(Arrays.asList(argv).subList(2, argv.length), null);
            if (merged == null) {
                errors.append(filename).append(':').append(linenum)
                        .append(": Unmatched parenthesis in selector definition.");
                merged = new ArrayList<>();
            }
            for (String r : merged) {
                try {
                    acl.parser.apply(u, Sds.trim(r, "\t\r\n"));
                } catch (AclRuleException e) {
                    errors.append(filename).append(':').append(linenum).append(": ");
                    if (e.kind == AclRuleException.Kind.UNKNOWN_COMMAND) {
                        // a command name is no secret: Redis names the operation for this one
                        errors.append("Error in applying operation '").append(cstr(Sds.trim(r, "\t\r\n"))).append("': ");
                    }
                    errors.append(e.getMessage()).append(". ");
                    if (e.kind != AclRuleException.Kind.UNKNOWN_COMMAND) {
                        break; // Redis 7.0 goes on after an unknown command only
                    }
                }
            }
        }
        if (errors.length() > 0) {
            return errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
                    .toString();
        }
        acl.replaceAll(loaded);
        return null;
    }

    /** ACLSaveToFile(): every user's line, written to a temp file renamed over the target. */
    public static boolean save(Acl acl, String filename) {
        StringBuilder sb = new StringBuilder();
        for (String l : acl.userLines()) {
            sb.append(l).append('\n');
        }
        Path target = Path.of(filename);
        Path tmp = Path.of(filename + ".tmp-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
        try {
            Files.write(tmp, sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            io.redmesh.node.util.ServerLog.warning("Writing ACL file for ACL SAVE: " + strerror(e));
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temp file may never have been created
            }
            return false;
        }
    }

    static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (Files.isDirectory(Path.of(String.valueOf(e.getMessage())))) {
            return "Is a directory";
        }
        return String.valueOf(e.getMessage());
    }

    /** A rule as a log may show it: never the clear text of ">pass" / "<pass" (Redis prints it). */
    static String printable(String rule) {
        return !rule.isEmpty() && (rule.charAt(0) == '>' || rule.charAt(0) == '<') ? rule.charAt(0) + "(redacted)" : rule;
    }

    private static String cstr(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }


}

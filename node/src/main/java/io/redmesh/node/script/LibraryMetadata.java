package io.redmesh.node.script;

import io.redmesh.node.util.ArgSplitter;
import io.redmesh.node.util.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first line of a function library, {@code #!lua name=mylib}, as Redis 7.0's
 * functionExtractLibMetaData() reads it: the engine after "#!", then only {@code name=}
 * arguments (split as sdssplitargs splits, so quotes work). The code is the rest of the payload,
 * its first newline included, so that line numbers in errors count from the shebang.
 *
 * @param engine the engine name as written (looked up case-insensitively)
 * @param name the library name, not yet checked against functionsVerifyName()
 * @param codeOffset where the code starts in the payload (the shebang's newline)
 */
record LibraryMetadata(String engine, String name, int codeOffset) {

    /** Parses the payload's shebang; the errors are Redis's. */
    static LibraryMetadata parse(byte[] payload) {
        if (payload.length < 2 || payload[0] != '#' || payload[1] != '!') {
            throw RedisException.err("Missing library metadata");
        }
        int end = 0;
        while (end < payload.length && payload[end] != '\n') {
            end++;
        }
        if (end == payload.length) {
            throw RedisException.err("Invalid library metadata");
        }
        List<byte[]> parts = ArgSplitter.split(payload, 0, end);
        if (parts == null || parts.isEmpty()) {
            throw RedisException.err("Invalid library metadata");
        }
        String engine = latin1(parts.get(0)).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            String part = latin1(parts.get(i));
            if (part.regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) {
                    throw RedisException.err("Invalid metadata value, name argument was given multiple times");
                }
                name = part.substring(5);
                continue;
            }
            throw RedisException.err("Invalid metadata value given: " + part);
        }
        if (name == null) {
            throw RedisException.err("Library name was not given");
        }
        return new LibraryMetadata(engine, name, end);
    }

    /** functionsVerifyName(): at least one character, letters, digits and '_' only. */
    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}

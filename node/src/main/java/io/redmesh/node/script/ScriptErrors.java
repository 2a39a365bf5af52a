package io.redmesh.node.script;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Error values and texts as Redis 7.0's Lua glue produces them. A script error reply is
 * "{@code <message> script: <sha>, on @user_script:<line>.}" when the error knows where it was
 * raised (script_lua.c's luaCallFunction); message strings carry Lua 5.1's
 * "{@code user_script:<line>: }" position (LuaJ writes "{@code @user_script:<line> }", which is
 * rewritten here).
 */
final class ScriptErrors {
    static final String SOURCE = "@user_script";
    /** The chunk name of function libraries (function_lua.c). */
    static final String FUNCTION_SOURCE = "@user_function";
    private static final Pattern LUAJ_POSITION = Pattern.compile("^@?(user_script|user_function):(\\d+) ");
    static final LuaString ERR = LuaString.valueOf("err");

    private ScriptErrors() {}

    /** An error table {err=...} as redis.call raises and redis.error_reply returns. */
    static LuaTable table(String message) {
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaString.valueOf(latin1(message)));
        return t;
    }

    static LuaTable killed() {
        return table("ERR " + LuaHook.KILLED);
    }

    /** The error value a Lua 5.1 pcall would see: strings get 5.1's position prefix. */
    static LuaValue messageObject(LuaError e) {
        LuaValue m = e.getMessageObject();
        if (m != null && m.type() == LuaValue.TSTRING) {
            return LuaString.valueOf(latin1(normalize(m.tojstring())));
        }
        return m == null ? LuaValue.NIL : m;
    }

    static String normalize(String message) {
        // a string grown past 2 GB by concatenation: Lua under Redis fails that allocation
        message = message.replaceAll("vm error: java\\.lang\\.NegativeArraySizeException(: -?\\d+)?", ScriptMemory.NOT_ENOUGH);
        if (message.endsWith("\n")) {
            message = message.substring(0, message.length() - 1); // LuaJ's empty traceback
        }
        Matcher m = LUAJ_POSITION.matcher(message);
        if (m.find()) {
            return m.group(1) + ":" + m.group(2) + ": " + message.substring(m.end());
        }
        return message;
    }

    /**
     * The reply line for an error that ended a script: Redis's error handler turns a string into
     * {err='ERR ' .. msg} and adds where it was raised.
     */
    static String replyLine(LuaError e, String sha, int line) {
        return replyLine(e, sha, line, SOURCE);
    }

    /** As {@link #replyLine(LuaError, String, int)} for a chunk named {@code source}. */
    static String replyLine(LuaError e, String sha, int line, String source) {
        LuaValue m = messageObject(e);
        String message;
        if (m.istable()) {
            LuaValue err = m.get(ERR);
            message = err.isstring() ? err.tojstring() : "ERR unknown error";
        } else {
            String text = m.isnil() ? "nil" : ScriptValues.tostring(m).tojstring();
            if (m.isstring() && line >= 0 && !(e instanceof LuaSandbox.LevelZeroError) && !text.startsWith(source.substring(1) + ":")) {
                // raised by a library function in a tail call (return f(x)): no Lua frame of
                // LuaJ's saw it, but Lua 5.1 positions it at the caller's line
                text = source.substring(1) + ":" + line + ": " + text;
            }
            message = "ERR " + text;
        }
        if (line < 0) {
            return message;
        }
        return message + " script: " + sha + ", on " + source + ":" + line + ".";
    }

    static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

}

package io.redmesh.node.script;

import io.redmesh.node.resp.Reply;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Conversions between Redis replies and Lua values, as script_lua.c does them in 7.0: a reply
 * becomes a Lua value (redisProtocolToLuaType, RESP2 and RESP3), and a script's result becomes
 * the reply (luaReplyToRedisReply). Nesting is bounded in both directions.
 */
final class LuaReplies {
    static final LuaString OK = LuaString.valueOf("ok");
    private static final LuaString DOUBLE = LuaString.valueOf("double");
    private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    private static final LuaString MAP = LuaString.valueOf("map");
    private static final LuaString SET = LuaString.valueOf("set");
    private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    private static final LuaString FORMAT = LuaString.valueOf("format");
    private static final LuaString STRING = LuaString.valueOf("string");
    /** Lua 5.1's LUAI_MAXCSTACK-bound recursion in luaReplyToRedisReply ends with this error. */
    private static final int MAX_DEPTH = 1000;

    private LuaReplies() {}

    // ------------------------------------------------------------------ reply -> Lua

    /** Parses one RESP2/RESP3 reply (the whole buffer) into the Lua value redis.call returns. */
    static LuaValue toLua(byte[] reply) {
        int[] pos = {0};
        return read(reply, pos);
    }

    private static LuaValue read(byte[] b, int[] pos) {
        char type = (char) b[pos[0]++];
        String line = line(b, pos);
        switch (type) {
            case '+': {
                LuaTable t = new LuaTable();
                t.rawset(OK, LuaValue.valueOf(ScriptErrors.latin1(line)));
                return t;
            }
            case '-':
                return ScriptErrors.table(line);
            case ':':
                return LuaValue.valueOf((double) Long.parseLong(line));
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n));
                pos[0] += n + 2;
                return s;
            }
            case '*': case '~': case '>': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaTable items = new LuaTable(Math.min(n, 1024), 0);
                for (int i = 1; i <= n; i++) {
                    LuaValue v = read(b, pos);
                    if (type == '~') {
                        items.rawset(v, LuaValue.TRUE);
                    } else {
                        items.rawset(i, v);
                    }
                }
                if (type == '~') {
                    LuaTable t = new LuaTable();
                    t.rawset(SET, items);
                    return t;
                }
                return items;
            }
            case '%': {
                int n = Integer.parseInt(line);
                LuaTable map = new LuaTable();
                for (int i = 0; i < n; i++) {
                    LuaValue k = read(b, pos);
                    map.rawset(k, read(b, pos));
                }
                LuaTable t = new LuaTable();
                t.rawset(MAP, map);
                return t;
            }
            case '_':
                return LuaValue.NIL;
            case '#':
                return LuaValue.valueOf(line.equals("t"));
            case ',': {
                LuaTable t = new LuaTable();
                t.rawset(DOUBLE, LuaValue.valueOf(parseDouble(line)));
                return t;
            }
            case '(': {
                LuaTable t = new LuaTable();
                t.rawset(BIG_NUMBER, LuaValue.valueOf(line));
                return t;
            }
            case '=': {
                int n = Integer.parseInt(line);
                String body = new String(b, pos[0], n, java.nio.charset.StandardCharsets.ISO_8859_1);
                pos[0] += n + 2;
                LuaTable v = new LuaTable();
                v.rawset(FORMAT, LuaValue.valueOf(body.substring(0, 3)));
                v.rawset(STRING, LuaValue.valueOf(ScriptErrors.latin1(body.substring(4))));
                LuaTable t = new LuaTable();
                t.rawset(VERBATIM, v);
                return t;
            }
            default:
                throw new IllegalStateException("unexpected reply type " + type);
        }
    }

    private static double parseDouble(String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    private static String line(byte[] b, int[] pos) {
        int start = pos[0];
        int end = start;
        while (b[end] != '\r') {
            end++;
        }
        pos[0] = end + 2;
        return new String(b, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ Lua -> reply

    /**
     * Writes a script's result. {@code scriptResp} is the protocol the script chose with
     * redis.setresp (booleans differ); the reply's own protocol is the caller's.
     */
    static void write(LuaValue v, Reply r, int scriptResp, int depth) {
        if (depth > MAX_DEPTH) {
            throw new StackLimit();
        }
        switch (v.type()) {
            case LuaValue.TSTRING:
                r.bulk(ScriptValues.bytes(v.checkstring()));
                return;
            case LuaValue.TBOOLEAN:
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        r.integer(1);
                    } else {
                        r.nullBulk();
                    }
                } else {
                    r.bool(v.toboolean());
                }
                return;
            case LuaValue.TNUMBER:
                r.integer(ScriptValues.toLongLikeC(v.todouble()));
                return;
            case LuaValue.TTABLE:
                table((LuaTable) v, r, scriptResp, depth);
                return;
            default:
                r.nullBulk();
        }
    }

    private static void table(LuaTable t, Reply r, int scriptResp, int depth) {
        LuaValue err = t.rawget(ScriptErrors.ERR);
        if (err.type() == LuaValue.TSTRING) {
            r.error(err.tojstring()); // "-%s": a message that starts with '-' keeps it ("--MY x")
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            r.simple(ok.tojstring().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            r.dbl(dbl.todouble());
            return;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            String s = big.tojstring().replace('\r', ' ').replace('\n', ' ');
            if (r.resp3()) {
                r.raw(ScriptErrors.latin1("(" + s + "\r\n"));
            } else {
                r.bulk(s);
            }
            return;
        }
        LuaValue verbatim = t.rawget(VERBATIM);
        if (verbatim.istable()) {
            LuaValue format = verbatim.get(FORMAT);
            LuaValue string = verbatim.get(STRING);
            if (format.isstring() && string.isstring()) {
                r.verbatim(string.tojstring());
                return;
            }
        }
        LuaValue map = t.rawget(MAP);
        if (map.istable()) {
            List<LuaValue> kv = pairs((LuaTable) map);
            r.map(kv.size() / 2);
            for (LuaValue x : kv) {
                write(x, r, scriptResp, depth + 1);
            }
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.istable()) {
            List<LuaValue> kv = pairs((LuaTable) set);
            r.set(kv.size() / 2);
            for (int i = 0; i < kv.size(); i += 2) {
                write(kv.get(i), r, scriptResp, depth + 1);
            }
            return;
        }
        List<LuaValue> items = new ArrayList<>();
        for (int j = 1; ; j++) {
            LuaValue x = t.rawget(j);
            if (x.isnil()) {
                break;
            }
            items.add(x);
        }
        r.array(items.size());
        for (LuaValue x : items) {
            write(x, r, scriptResp, depth + 1);
        }
    }

    private static List<LuaValue> pairs(LuaTable t) {
        List<LuaValue> kv = new ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return kv;
            }
            kv.add(k);
            kv.add(n.arg(2));
        }
    }

    /** The result nests deeper than Redis's Lua stack allows ("reached lua stack limit"). */
    static final class StackLimit extends LuaError {
        private static final long serialVersionUID = 1L;

        StackLimit() {
            super("reached lua stack limit");
        }
    }
}

package io.redmesh.node.script;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The {@code cjson} library Redis bundles (lua-cjson 2.1.0 with its default settings): encode
 * with 14 significant digits, "\/" for '/', arrays for tables keyed 1..n (and "excessively
 * sparse" refused), nesting bounded at 1000 both ways; decode to tables with cjson.null for
 * JSON null. Error texts are lua-cjson's.
 */
final class CjsonLib {
    static final LuaValue NULL = new LuaUserdata(new Object());
    private static final int MAX_DEPTH = 1000;

    private CjsonLib() {}

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("encode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                encode(v, out, 0);
                return LuaString.valueOf(out.toByteArray());
            }
        });
        t.rawset("decode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                return new Decoder(v.checkstring()).document();
            }
        });
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    private static void encode(LuaValue v, ByteArrayOutputStream out, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(v.checkstring(), out);
            case LuaValue.TNUMBER -> number(v.todouble(), out);
            case LuaValue.TBOOLEAN -> ascii(v.toboolean() ? "true" : "false", out);
            case LuaValue.TNIL -> ascii("null", out);
            case LuaValue.TTABLE -> table((LuaTable) v, out, depth + 1);
            default -> {
                if (v == NULL) {
                    ascii("null", out);
                } else {
                    throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
                }
            }
        }
    }

    private static void number(double d, ByteArrayOutputStream out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new LuaError("Cannot serialise number: must not be NaN or Inf");
        }
        ascii(LuaNumbers.formatG(d, 14, false, false), out);
    }

    private static void table(LuaTable t, ByteArrayOutputStream out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int arrayLength = arrayLength(t);
        if (arrayLength >= 0) {
            out.write('[');
            for (int i = 1; i <= arrayLength; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(t.rawget(i), out, depth);
            }
            out.write(']');
            return;
        }
        out.write('{');
        boolean first = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            if (k.type() == LuaValue.TNUMBER) {
                out.write('"');
                ascii(LuaNumbers.formatG(k.todouble(), 14, false, false), out);
                out.write('"');
            } else if (k.type() == LuaValue.TSTRING) {
                string(k.checkstring(), out);
            } else {
                throw new LuaError("Cannot serialise table: table key must be a number or string");
            }
            out.write(':');
            encode(n.arg(2), out, depth);
        }
        out.write('}');
    }

    /** lua_array_length(): n when the keys are exactly 1..n (holes allowed unless excessively sparse), else -1. */
    private static int arrayLength(LuaTable t) {
        int max = 0;
        int items = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (k.type() != LuaValue.TNUMBER) {
                return -1;
            }
            double d = k.todouble();
            if (d != Math.floor(d) || d < 1) {
                return -1;
            }
            max = (int) Math.max(max, Math.min(d, Integer.MAX_VALUE));
            items++;
        }
        if (max > items * 2 && max > 10) {
            throw new LuaError("Cannot serialise table: excessively sparse array");
        }
        return items == 0 ? -1 : max;
    }

    private static void string(LuaString s, ByteArrayOutputStream out) {
        out.write('"');
        for (int i = 0; i < s.length(); i++) {
            int c = s.luaByte(i);
            switch (c) {
                case '"' -> ascii("\\\"", out);
                case '\\' -> ascii("\\\\", out);
                case '/' -> ascii("\\/", out);
                case '\b' -> ascii("\\b", out);
                case '\f' -> ascii("\\f", out);
                case '\n' -> ascii("\\n", out);
                case '\r' -> ascii("\\r", out);
                case '\t' -> ascii("\\t", out);
                default -> {
                    if (c < 0x20) {
                        ascii(String.format("\\u%04x", c), out);
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    private static void ascii(String s, ByteArrayOutputStream out) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    /** A recursive-descent JSON reader with lua-cjson's error texts and depth bound. */
    private static final class Decoder {
        private final LuaString s;
        private int pos;
        private int depth;

        Decoder(LuaString s) {
            this.s = s;
        }

        LuaValue document() {
            LuaValue v = value();
            skipSpace();
            if (pos < s.length()) {
                throw error("the end", "invalid token");
            }
            return v;
        }

        private LuaError error(String expected, String found) {
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (pos + 1));
        }

        private void skipSpace() {
            while (pos < s.length()) {
                int c = s.luaByte(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    break;
                }
                pos++;
            }
        }

        private LuaValue value() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("value", "T_END");
            }
            int c = s.luaByte(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return str();
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return num();
                    }
                    if (literal("true")) {
                        return LuaValue.TRUE;
                    }
                    if (literal("false")) {
                        return LuaValue.FALSE;
                    }
                    if (literal("null")) {
                        return NULL;
                    }
                    throw error("value", "invalid token");
            }
        }

        private boolean literal(String word) {
            if (pos + word.length() <= s.length() && s.substring(pos, pos + word.length()).tojstring().equals(word)) {
                pos += word.length();
                return true;
            }
            return false;
        }

        private void nest() {
            if (++depth > MAX_DEPTH) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character " + (pos + 1));
            }
        }

        private LuaValue object() {
            nest();
            pos++;
            LuaTable t = new LuaTable();
            skipSpace();
            if (pos < s.length() && s.luaByte(pos) == '}') {
                pos++;
                depth--;
                return t;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length() || s.luaByte(pos) != '"') {
                    throw error("object key string", pos >= s.length() ? "T_END" : "invalid token");
                }
                LuaValue k = str();
                skipSpace();
                if (pos >= s.length() || s.luaByte(pos) != ':') {
                    throw error("colon", pos >= s.length() ? "T_END" : "invalid token");
                }
                pos++;
                t.rawset(k, value());
                skipSpace();
                if (pos < s.length() && s.luaByte(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length() && s.luaByte(pos) == '}') {
                    pos++;
                    depth--;
                    return t;
                }
                throw error("comma or object end", pos >= s.length() ? "T_END" : "invalid token");
            }
        }

        private LuaValue array() {
            nest();
            pos++;
            LuaTable t = new LuaTable();
            skipSpace();
            if (pos < s.length() && s.luaByte(pos) == ']') {
                pos++;
                depth--;
                return t;
            }
            for (int i = 1; ; i++) {
                t.rawset(i, value());
                skipSpace();
                if (pos < s.length() && s.luaByte(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length() && s.luaByte(pos) == ']') {
                    pos++;
                    depth--;
                    return t;
                }
                throw error("comma or array end", pos >= s.length() ? "T_END" : "invalid token");
            }
        }

        private LuaValue str() {
            int start = pos;
            pos++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                if (pos >= s.length()) {
                    pos = start;
                    throw error("value", "invalid token");
                }
                int c = s.luaByte(pos++);
                if (c == '"') {
                    return LuaString.valueOf(out.toByteArray());
                }
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                if (pos >= s.length()) {
                    pos = start;
                    throw error("value", "invalid token");
                }
                int e = s.luaByte(pos++);
                switch (e) {
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'u' -> {
                        int cp = hex4();
                        if (cp >= 0xD800 && cp <= 0xDBFF && pos + 1 < s.length() && s.luaByte(pos) == '\\'
                                && s.luaByte(pos + 1) == 'u') {
                            pos += 2;
                            int low = hex4();
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        }
                        byte[] utf8 = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        out.write(utf8, 0, utf8.length);
                    }
                    default -> out.write(e);
                }
            }
        }

        private int hex4() {
            if (pos + 4 > s.length()) {
                throw error("value", "invalid token");
            }
            try {
                int v = Integer.parseInt(s.substring(pos, pos + 4).tojstring(), 16);
                pos += 4;
                return v;
            } catch (NumberFormatException e) {
                throw error("value", "invalid token");
            }
        }

        private LuaValue num() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.luaByte(pos)) >= 0) {
                pos++;
            }
            try {
                return LuaValue.valueOf(Double.parseDouble(s.substring(start, pos).tojstring()));
            } catch (NumberFormatException e) {
                pos = start;
                throw error("value", "invalid number");
            }
        }
    }
}

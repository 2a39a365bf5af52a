package io.redmesh.node.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * string.format as Lua 5.1's str_format(): C printf conversions (%d %i %o %u %x %X %c %e %E %f
 * %g %G %s %q %%) with flags "-+ #0", width and precision of at most two digits each, and 5.1's
 * error texts. LuaJ's own version formats %f and %g differently from C.
 */
final class LuaStringFormat extends VarArgFunction {
    /** A result longer than this is refused (a width cannot make one, many arguments can). */
    private static final int MAX_RESULT = 64 << 20;

    @Override
    public Varargs invoke(Varargs args) {
        LuaString fmt = args.checkstring(1);
        StringBuilder out = new StringBuilder(fmt.length() + 16);
        int arg = 1;
        int n = fmt.length();
        for (int i = 0; i < n; ) {
            int c = fmt.luaByte(i++);
            if (c != '%') {
                out.append((char) c);
                continue;
            }
            if (i < n && fmt.luaByte(i) == '%') {
                out.append('%');
                i++;
                continue;
            }
            int start = i;
            while (i < n && "-+ #0".indexOf(fmt.luaByte(i)) >= 0) {
                i++;
            }
            if (i - start > 5) {
                throw new LuaError("invalid format (repeated flags)");
            }
            String flags = fmt.substring(start, i).tojstring();
            int width = -1;
            int digits = 0;
            while (i < n && Character.isDigit(fmt.luaByte(i))) {
                width = (width < 0 ? 0 : width * 10) + fmt.luaByte(i++) - '0';
                digits++;
            }
            int precision = -1;
            if (i < n && fmt.luaByte(i) == '.') {
                i++;
                precision = 0;
                int pd = 0;
                while (i < n && Character.isDigit(fmt.luaByte(i))) {
                    precision = precision * 10 + fmt.luaByte(i++) - '0';
                    pd++;
                }
                if (pd > 2) {
                    throw new LuaError("invalid format (width or precision too long)");
                }
            }
            if (digits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= n) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            char conv = (char) fmt.luaByte(i++);
            arg++;
            String body;
            switch (conv) {
                case 'c':
                    body = String.valueOf((char) (args.checkint(arg) & 0xff));
                    break;
                case 'd': case 'i':
                    body = integer(args.checkdouble(arg), flags, precision, 10, false);
                    break;
                case 'o':
                    body = integer(args.checkdouble(arg), flags, precision, 8, false);
                    break;
                case 'u':
                    body = integer(args.checkdouble(arg), flags, precision, 10, true);
                    break;
                case 'x': case 'X': {
                    body = integer(args.checkdouble(arg), flags, precision, 16, true);
                    if (conv == 'X') {
                        body = body.toUpperCase(java.util.Locale.ROOT);
                    }
                    break;
                }
                case 'e': case 'E':
                    body = sign(LuaNumbers.formatE(args.checkdouble(arg), precision < 0 ? 6 : precision,
                            flags.indexOf('#') >= 0, conv == 'E'), flags);
                    break;
                case 'f':
                    body = sign(LuaNumbers.formatF(args.checkdouble(arg), precision < 0 ? 6 : precision,
                            flags.indexOf('#') >= 0), flags);
                    break;
                case 'g': case 'G':
                    body = sign(LuaNumbers.formatG(args.checkdouble(arg), precision < 0 ? 6 : precision,
                            flags.indexOf('#') >= 0, conv == 'G'), flags);
                    break;
                case 'q':
                    body = quoted(args.checkstring(arg));
                    width = -1;
                    break;
                case 's': {
                    LuaValue v = args.arg(arg);
                    if (args.narg() < arg) {
                        args.checkstring(arg);
                    }
                    LuaString s = ScriptValues.tostring(v);
                    body = s.tojstring();
                    if (precision >= 0 && body.length() > precision) {
                        body = body.substring(0, precision);
                    }
                    break;
                }
                default:
                    throw new LuaError("invalid option '%" + conv + "' to 'format'");
            }
            pad(out, body, width, flags, "diouxXeEfgG".indexOf(conv) >= 0 && precision < 0 || "eEfgG".indexOf(conv) >= 0);
            if (out.length() > MAX_RESULT) {
                throw new LuaError("not enough memory");
            }
        }
        return LuaString.valueOf(latin1(out));
    }

    private static byte[] latin1(CharSequence s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) s.charAt(i);
        }
        return b;
    }

    /** Lua 5.1 casts the number to long (LUA_INTFRMLEN "l"), as C's (long) conversion does. */
    private static String integer(double d, String flags, int precision, int radix, boolean unsigned) {
        long v = ScriptValues.toLongLikeC(d);
        String digits;
        boolean negative = false;
        if (unsigned) {
            digits = radix == 16 ? Long.toHexString(v) : radix == 8 ? Long.toOctalString(v) : Long.toUnsignedString(v);
        } else {
            negative = v < 0;
            digits = radix == 8 ? Long.toOctalString(v) : Long.toString(Math.abs(v));
            if (v == Long.MIN_VALUE) {
                digits = "9223372036854775808";
            }
        }
        if (precision >= 0) {
            if (precision == 0 && v == 0) {
                digits = "";
            }
            while (digits.length() < precision) {
                digits = "0" + digits;
            }
        }
        if (flags.indexOf('#') >= 0 && v != 0) {
            digits = (radix == 16 ? "0x" : radix == 8 && !digits.startsWith("0") ? "0" : "") + digits;
        }
        if (negative) {
            return "-" + digits;
        }
        return (!unsigned && flags.indexOf('+') >= 0 ? "+" : !unsigned && flags.indexOf(' ') >= 0 ? " " : "") + digits;
    }

    private static String sign(String s, String flags) {
        if (s.startsWith("-")) {
            return s;
        }
        return flags.indexOf('+') >= 0 ? "+" + s : flags.indexOf(' ') >= 0 ? " " + s : s;
    }

    private static void pad(StringBuilder out, String body, int width, String flags, boolean zeroPadAllowed) {
        int fill = width - body.length();
        if (fill <= 0) {
            out.append(body);
            return;
        }
        if (flags.indexOf('-') >= 0) {
            out.append(body).append(" ".repeat(fill));
        } else if (flags.indexOf('0') >= 0 && zeroPadAllowed && !body.endsWith("inf") && !body.endsWith("nan")) {
            int signLen = body.startsWith("-") || body.startsWith("+") || body.startsWith(" ") ? 1 : 0;
            if (body.startsWith("0x", signLen) || body.startsWith("0X", signLen)) {
                signLen += 2;
            }
            out.append(body, 0, signLen).append("0".repeat(fill)).append(body.substring(signLen));
        } else {
            out.append(" ".repeat(fill)).append(body);
        }
    }

    /** %q: Lua 5.1's addquoted(). */
    private static String quoted(LuaString s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            int c = s.luaByte(i);
            switch (c) {
                case '"': case '\\': case '\n':
                    b.append('\\').append((char) c);
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case 0:
                    b.append("\\000");
                    break;
                default:
                    b.append((char) c);
            }
        }
        return b.append('"').toString();
    }
}

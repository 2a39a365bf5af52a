package io.redmesh.node.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** C strtod's grammar and ERANGE, and Redis's string2d() built on it (scores, weights). */
class StrtodTest {
    static Strtod.Result parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Strtod.parse(b, 0, b.length);
    }

    static Double score(String s) {
        return Bytes.parseDoubleOrNull(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void grammar() {
        assertEquals(7, parse("  1.5e3xyz").end);
        assertEquals(1500.0, parse("  1.5e3xyz").value);
        assertEquals(1, parse("1e").end, "an exponent needs digits");
        assertEquals(1, parse("1e+").end);
        assertEquals(2, parse("1.").end);
        assertEquals(0, parse(".").end, "no digits: nothing converted, end at the start");
        assertEquals(0, parse("   ").end);
        assertEquals(1, parse("0x").end, "'0x' without hex digits converts the 0");
        assertEquals(16.0, parse("0x10").value);
        assertEquals(0.5, parse("0X.8").value);
        assertEquals(8.0, parse("0x1p3").value);
        assertEquals(3, parse("infinite").end);
        assertEquals(9, parse("-Infinity").end);
        assertEquals(Double.NEGATIVE_INFINITY, parse("-Infinity").value);
        assertTrue(Double.isNaN(parse("nan(123)").value));
        assertEquals(8, parse("nan(123)").end);
        assertTrue(parse("1e400").erange);
        assertTrue(parse("1e-400").erange);
        assertTrue(!parse("0e-400").erange);
        assertTrue(!parse("inf").erange);
    }

    @Test
    void redisScores() {
        assertEquals(16.0, score("0x10"));
        assertEquals(Double.POSITIVE_INFINITY, score("+inf"));
        assertEquals(Double.NEGATIVE_INFINITY, score("-INFINITY"));
        assertEquals(4.9406564584124654e-324, score("3e-324"), "denormals are fine");
        assertEquals(0.0, score("0e-400"));
        assertNull(score("1e400"), "overflow");
        assertNull(score("2e-324"), "underflow to zero");
        assertNull(score(" 1"));
        assertNull(score("1 "));
        assertNull(score(""));
        assertNull(score("nan"));
        assertNull(score("1d"));
        assertNull(score("1\0"));
        assertEquals(1.0, score("1." + "0".repeat(6000)), "no length limit");
    }
}

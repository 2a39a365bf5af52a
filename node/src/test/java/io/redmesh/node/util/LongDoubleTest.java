package io.redmesh.node.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class LongDoubleTest {
    private static BigDecimal p(String s) {
        return LongDouble.parse(Bytes.of(s));
    }

    @Test
    void readsTheNearestLongDouble() {
        // 0.1 as an x87 long double (64-bit significand): 0xCCCCCCCCCCCCCCCD * 2^-67
        assertEquals(new BigDecimal("0.1000000000000000000013552527156068805425093160010874271392822265625"), p("0.1"));
        assertEquals(new BigDecimal("3"), p("3"));
        assertEquals(new BigDecimal("-2.5"), p("-2.5"));
        assertEquals(BigDecimal.ZERO, p("0"));
        assertEquals(BigDecimal.ZERO, p("-0.0"));
        // integers above 2^64 are rounded to 64 significant bits (ties to even)
        assertEquals(new BigDecimal("36893488147419103232"), p("36893488147419103233"));
    }

    @Test
    void refusesWhatString2ldRefuses() {
        for (String bad : new String[] {"", " 1", "1 ", "abc", "1e", "inf", "-inf", "nan", "1e5000", "-1e5000",
                "1e-5000", "1..2", "0x", "0x1p", "0xg", "1\u0000"}) {
            assertNull(p(bad), bad);
        }
    }

    @Test
    void addsWithOneRounding() {
        BigDecimal sum = LongDouble.add(p("10.6"), p("-5000"));
        assertEquals("-4989.39999999999999991", Doubles.formatHuman(sum));
        assertNull(LongDouble.add(p("1e4932"), p("1e4932")));
        assertEquals("0.3", Doubles.formatHuman(LongDouble.add(LongDouble.add(p("0.1"), p("0.1")), p("0.1"))));
    }

    /** Expected strings are what Redis 7.0.15 (x86-64) answers to the same INCRBYFLOAT sequence. */
    private static String sum(String... terms) {
        BigDecimal v = BigDecimal.ZERO;
        for (String t : terms) {
            v = LongDouble.add(v, p(t));
        }
        return Doubles.formatHuman(v);
    }

    @Test
    void incrbyfloatResultsAsRedisPrintsThem() {
        assertEquals("10.6", sum("10.5", "0.1"));
        assertEquals("3001", sum("3.0e3", "1"));
        assertEquals("0", sum("5.0e-20", "0"));
        assertEquals("0.6", sum("0.1", "0.2", "0.3"));
        assertEquals("-3.69999", sum("1e-5", "-3.7"));
        assertEquals("123456789012345678899921813504", sum("123456789012345678901234567890"));
        assertEquals("0", sum("-1e-20"));
        assertEquals(309, sum("1e308", "1e308").length());
        assertEquals(true, sum("1e308", "1e308").startsWith("19999999999999999999337175931169129132112019969483113441559"));
    }

    @Test
    void hexadecimalAndInfinity() {
        assertEquals(new BigDecimal("16"), p("0x10"));
        assertEquals(new BigDecimal("12"), p("0x1.8p3"));
        assertEquals(new BigDecimal("-0.5"), p("-0x.8"));
        assertNull(p("inf"));
        assertEquals(true, LongDouble.isInfinity(Bytes.of("-Infinity")));
        assertEquals(false, LongDouble.isInfinity(Bytes.of("infx")));
    }
}

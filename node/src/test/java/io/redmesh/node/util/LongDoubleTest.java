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
                "1e-5000", "1..2", "0x10"}) {
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
}

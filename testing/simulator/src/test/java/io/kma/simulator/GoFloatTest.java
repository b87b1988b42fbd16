package io.kma.simulator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GoFloatTest {
    @Test
    void formatsLikeGoStrconvG() {
        assertEquals("1.4864384e+07", GoFloat.format(14864384, 0));
        assertEquals("357.35491", GoFloat.format(35735491, 5));
        assertEquals("4.710169", GoFloat.format(4710169, 6));
        assertEquals("1.633252712e+09", GoFloat.format(1633252712, 0));
        assertEquals("100000", GoFloat.format(100000, 0));
        assertEquals("1e+06", GoFloat.format(1000000, 0));
        assertEquals("0.0001", GoFloat.format(1, 4));
        assertEquals("1e-05", GoFloat.format(1, 5));
        assertEquals("0", GoFloat.format(0, 9));
        assertEquals("2.5", GoFloat.format(2500000000L, 9));
        assertEquals("123456", GoFloat.format(123456, 0));
    }
}

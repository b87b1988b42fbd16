package io.kma.shared.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LabelSelectorTest {

    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front", "replicas", "3");

    @Test
    void everyOperatorMatchesAsKubernetesDoes() {
        assertTrue(LabelSelector.parse("app=web").matches(WEB));
        assertTrue(LabelSelector.parse("app==web").matches(WEB));
        assertFalse(LabelSelector.parse("app!=web").matches(WEB));
        assertTrue(LabelSelector.parse("app!=db").matches(WEB));
        assertTrue(LabelSelector.parse("missing!=x").matches(WEB));
        assertTrue(LabelSelector.parse("app in (db, web)").matches(WEB));
        assertFalse(LabelSelector.parse("app notin (db,web)").matches(WEB));
        assertTrue(LabelSelector.parse("tier").matches(WEB));
        assertFalse(LabelSelector.parse("!tier").matches(WEB));
        assertTrue(LabelSelector.parse("!gone").matches(WEB));
        assertTrue(LabelSelector.parse("replicas>2").matches(WEB));
        assertFalse(LabelSelector.parse("replicas<3").matches(WEB));
        assertTrue(LabelSelector.parse(" app = web , tier in (front) ").matches(WEB));
        assertFalse(LabelSelector.parse("app=web,tier=back").matches(WEB));
        assertTrue(LabelSelector.parse("kubernetes.io/os=linux").matches(Map.of("kubernetes.io/os", "linux")));
    }

    @Test
    void emptySelectsEverythingAndAndCombines() {
        assertTrue(LabelSelector.parse("").isEverything());
        assertTrue(LabelSelector.parse(null).matches(Map.of()));
        LabelSelector both = LabelSelector.parse("app=web").and(LabelSelector.parse("tier=back"));
        assertFalse(both.matches(WEB));
        assertEquals("app=web,tier=back", both.toString());
    }

    @Test
    void malformedSelectorsNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("app in web"))
                .getMessage().contains("expected: '('"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("app=we b"))
                .getMessage().contains("expected: ',' or 'end of string'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("=x"))
                .getMessage().contains("expected: !, identifier"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a=-bad"))
                .getMessage().contains("invalid label value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("n>x"))
                .getMessage().contains("must be an integer"));
    }
}

package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Any Accept header chooses one of the five served representations; nothing escapes (a throw would be a 500). */
class NegotiationFuzzTest {

    private static final Set<String> SERVED = Set.of("application/json", "application/yaml",
            "application/json;as=Table;v=v1;g=meta.k8s.io", "application/yaml;as=Table;v=v1;g=meta.k8s.io",
            "application/vnd.kubernetes.protobuf");

    /** The fuzzer's first finding (input negotiate/crash-semicolon): ArrayIndexOutOfBoundsException, a 500. */
    @Test
    void parametersWithoutAMediaTypeAreSkipped() {
        assertEquals(Negotiation.JSON, Negotiation.of(";"));
        assertEquals(Negotiation.JSON, Negotiation.of(";;,;"));
        assertEquals(new Negotiation(true, false), Negotiation.of(";, application/yaml"));
    }

    @FuzzTest(maxDuration = "5s")
    void negotiate(String accept) {
        Negotiation n = Negotiation.of(accept);
        assertTrue(SERVED.contains(n.contentType()), n::contentType);
    }
}

package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Any fieldSelector parses or fails with IllegalArgumentException (400), and a parsed one matches without failing. */
class FieldSelectorFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parse(FuzzedDataProvider data) {
        String name = data.consumeString(64);
        String namespace = data.consumeString(64);
        String text = data.consumeRemainingAsString();
        FieldSelector s;
        try {
            s = FieldSelector.parse(text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return;
        }
        s.matches(name, namespace);
    }
}

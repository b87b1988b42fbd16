package io.kma.shared.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text either parses into a selector that can match any label set, or fails with
 * IllegalArgumentException (answered as 400); nothing else escapes. Seeds and crashes:
 * src/test/resources/io/kma/shared/labels/LabelSelectorFuzzTestInputs/parse/.
 */
class LabelSelectorFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parse(FuzzedDataProvider data) {
        Map<String, String> labels = Map.of(data.consumeString(64), data.consumeString(64));
        String text = data.consumeRemainingAsString();
        LabelSelector s;
        try {
            s = LabelSelector.parse(text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return;
        }
        boolean matches = s.matches(labels);
        // the printed form is what the API echoes; it must mean the same
        assertEquals(matches, LabelSelector.parse(s.toString()).matches(labels), text);
        assertEquals(matches, s.and(LabelSelector.everything()).matches(labels), text);
    }
}

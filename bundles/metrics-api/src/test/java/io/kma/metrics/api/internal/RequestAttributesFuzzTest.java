package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any method and path yield request attributes for the authorizer (never a throw, which would answer 500 before
 * authorization), with a verb and, for resource requests, a resource.
 */
class RequestAttributesFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void attributes(FuzzedDataProvider data) {
        String method = data.pickValue(new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"});
        boolean watch = data.consumeBoolean();
        String fieldSelectorName = data.consumeBoolean() ? null : data.consumeString(32);
        String path = data.consumeRemainingAsString();
        RequestAttributes a = RequestAttributes.of(method, path, watch, fieldSelectorName);
        assertNotNull(a.verb());
        assertFalse(a.verb().isEmpty());
        if (a.resourceRequest()) {
            assertNotNull(a.resource());
        }
    }
}

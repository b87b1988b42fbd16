package io.kma.metrics.api.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The only class that touches jackson-dataformat-yaml. Its package is imported optionally, so the bundle
 * still resolves (and answers JSON to YAML requests) in a distribution that lacks it.
 */
final class YamlSupport {

    private YamlSupport() {
    }

    static JsonFactory factory() {
        return YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                // Every string value quoted: unquoted, YAML 1.1 readers take times, "1" or "true" for other types.
                .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .build();
    }
}

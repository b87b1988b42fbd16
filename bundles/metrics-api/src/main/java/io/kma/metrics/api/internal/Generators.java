package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import org.slf4j.LoggerFactory;

/**
 * Streaming generators for JSON and YAML bodies. JSON is escaped as Go's encoding/json escapes it
 * (&lt; &gt; &amp; U+2028 U+2029 as \\u00XX) so bodies match kube-apiserver's byte for byte.
 */
final class Generators {

    private final JsonFactory json;
    private final JsonFactory escapingJson;
    private final JsonFactory yaml;

    Generators() {
        // Object names and label keys/values cannot hold < > & (Kubernetes validation), so metrics bodies
        // use Jackson's fast path; free text (Status messages, discovery) goes through Go's escaping.
        json = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
        escapingJson = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
        escapingJson.setCharacterEscapes(new GoEscapes());
        yaml = yamlFactory();
    }

    private static JsonFactory yamlFactory() {
        try {
            return YamlSupport.factory();
        } catch (LinkageError e) {
            LoggerFactory.getLogger(Generators.class).warn(
                    "jackson-dataformat-yaml is not installed: requests for application/yaml are answered in JSON");
            return null;
        }
    }

    /** False when jackson-dataformat-yaml is missing; negotiation then picks JSON. */
    boolean yamlAvailable() {
        return yaml != null;
    }

    /** For free text: Status messages and documents. */
    JsonGenerator create(OutputStream out, boolean asYaml) throws IOException {
        return asYaml ? yaml.createGenerator(out) : escapingJson.createGenerator(out);
    }

    /** For metrics items, whose strings are validated Kubernetes names, labels and quantities. */
    JsonGenerator createForMetrics(OutputStream out, boolean asYaml) throws IOException {
        return asYaml ? yaml.createGenerator(out) : json.createGenerator(out);
    }

    /** Ends a body: Go's json.Encoder writes a newline after the value; YAML already ends with one. */
    static void finish(JsonGenerator g, boolean asYaml) throws IOException {
        if (!asYaml) {
            g.writeRaw('\n');
        }
        g.flush();
    }

    private static final class GoEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;
        private final int[] table;

        GoEscapes() {
            table = standardAsciiEscapesForJSON();
            table['<'] = ESCAPE_CUSTOM;
            table['>'] = ESCAPE_CUSTOM;
            table['&'] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return table;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            switch (ch) {
                case '<': return new SerializedString("\\u003c");
                case '>': return new SerializedString("\\u003e");
                case '&': return new SerializedString("\\u0026");
                case 0x2028: return new SerializedString("\\u2028");
                case 0x2029: return new SerializedString("\\u2029");
                default: return null;
            }
        }
    }
}

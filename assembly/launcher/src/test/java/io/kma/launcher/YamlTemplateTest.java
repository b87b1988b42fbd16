package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The template's typed holes and sections; no caller's text reaches the YAML unchecked. */
class YamlTemplateTest {

    private static final YamlTemplate TEMPLATE = YamlTemplate.resource(YamlTemplateTest.class, "template-test.yaml");

    @Test
    void holesSectionsAndRepeatedItems() {
        String out = TEMPLATE.render(Map.of("name", YamlTemplate.plain("cp-1"), "tls", true,
                "items", List.of(Map.of("ip", YamlTemplate.quoted("192.0.2.1")), Map.of("ip", YamlTemplate.quoted("2001:db8::1"))),
                "note", YamlTemplate.comment("one line")));

        assertEquals("""
                # one line
                name: cp-1
                tls: on
                ips:
                - "192.0.2.1"
                - "2001:db8::1"
                """, out);
    }

    @Test
    void invertedSectionsAndEmptyLists() {
        String out = TEMPLATE.render(Map.of("name", YamlTemplate.plain("x"), "tls", false, "items", List.of(),
                "note", YamlTemplate.comment("")));

        assertEquals("#\u0020\nname: x\ntls: off\nips:\n", out);
    }

    @Test
    void quotedTextStaysOneScalar() {
        String hostile = "a\"\nkind: ClusterRoleBinding\\";
        Object parsed = new Yaml().load("v: " + YamlTemplate.quoted(hostile));

        assertEquals(Map.of("v", hostile), parsed);
    }

    @Test
    void textThatWouldChangeTheYamlIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> YamlTemplate.comment("x\nkind: Secret"));
        assertThrows(IllegalArgumentException.class, () -> YamlTemplate.plain("a: b"));
        assertThrows(IllegalArgumentException.class, () -> YamlTemplate.plain("#x"));
        assertThrows(IllegalArgumentException.class, () -> YamlTemplate.flowItems(List.of("a", "b]")));
        assertThrows(IllegalArgumentException.class, () -> new Manifests.Values("1", List.of(), 4443, "not base64!", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Manifests.Values("1", List.of(), 4443, null, List.of("Cp-1")));
        assertThrows(IllegalArgumentException.class, () -> new Manifests.Values("1", List.of(), 0, null, List.of("cp-1")));
    }

    @Test
    void aHoleWithoutAFragmentIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TEMPLATE.render(Map.of("name", "raw string", "tls", true, "items", List.of(), "note", YamlTemplate.comment(""))));
        assertEquals("{{name}} needs a fragment, not raw string", e.getMessage());
    }
}

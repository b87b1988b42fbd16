package io.kma.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The schema table against itself and against the two documents that describe it. */
class ConfigSchemaTest {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void everyKeyIsDocumentedAndReachesAPidOnce() {
        Set<String> seen = new HashSet<>();
        for (Key key : ConfigSchema.ORDERED) {
            assertFalse(key.doc().isBlank(), key.path());
            assertFalse(key.properties().isEmpty(), key.path() + " reaches no PID");
            for (Key.PidProperty p : key.properties()) {
                assertTrue(ConfigSchema.PIDS.contains(p.pid()), p.pid());
                assertTrue(seen.add(p.pid() + " " + p.name()), "written twice: " + p.pid() + " " + p.name());
            }
        }
        assertEquals(ConfigSchema.ORDERED.size(), ConfigSchema.KEYS.size(), "no path declared twice");
        for (String pid : ConfigSchema.PIDS) {
            assertTrue(seen.stream().anyMatch(s -> s.startsWith(pid + " ")), pid + " gets no property");
        }
    }

    @Test
    void theDevelopersPidTableListsExactlyTheSchemasProperties() throws Exception {
        Set<String> documented = new TreeSet<>();
        String pid = null;
        for (String line : Files.readAllLines(Path.of("../../docs/DEVELOPING.md"))) {
            String[] cells = line.split("\\|", -1);
            if (!line.startsWith("| ") || cells.length < 4) {
                continue;
            }
            Matcher pidCell = CODE.matcher(cells[1]);
            if (pidCell.find()) {
                pid = pidCell.group(1);
            }
            if (pid == null || !pid.startsWith("io.kma.")) {
                continue;
            }
            // "(String[] of `name=address`)" describes the value, not a property
            Matcher property = CODE.matcher(cells[2].replaceAll("\\([^)]*\\)", ""));
            while (property.find()) {
                documented.add(pid + " " + property.group(1));
            }
        }
        Set<String> declared = new TreeSet<>();
        for (Key key : ConfigSchema.ORDERED) {
            key.properties().forEach(p -> declared.add(p.pid() + " " + p.name()));
        }
        assertEquals(declared, documented);
    }

    @Test
    void theShippedConfigYamlShowsEveryKey() throws Exception {
        Map<String, Object> shipped = new Yaml().load(Files.readString(Path.of("../../config/config.yaml")));
        for (Key key : ConfigSchema.ORDERED) {
            Object section = key.parent().isEmpty() ? shipped : shipped.get(key.parent());
            assertTrue(section instanceof Map<?, ?> m && m.containsKey(key.leaf()), key.path() + " missing from config.yaml");
        }
    }

    @Test
    void suggestionsForMisspeltKeysAndMiscasedWords() {
        assertEquals(" (did you mean securePort?)", KeySuggestions.suggestion("server", "securPort"));
        assertEquals(" (did you mean kubelet.hosts?)", KeySuggestions.suggestion("server", "hosts"));
        assertEquals("", KeySuggestions.suggestion("server", "something"));
        assertEquals(" (did you mean caOrPin?)", KeySuggestions.choiceHint(java.util.List.of("caOrPin", "ca"), "caorpin"));
        assertEquals("", KeySuggestions.choiceHint(java.util.List.of("caOrPin", "ca"), "pin"));
        assertEquals(3, KeySuggestions.editDistance("kitten", "sitting"));
    }
}

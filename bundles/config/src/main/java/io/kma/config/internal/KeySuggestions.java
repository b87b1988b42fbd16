package io.kma.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** "did you mean": for a misspelt key, the closest documented one; for a wrongly cased word, the allowed one. */
final class KeySuggestions {

    private KeySuggestions() {
    }

    /** A sibling key within a small edit distance, else the same name in another section; "" when none. */
    static String suggestion(String prefix, String name) {
        List<String> siblings = new ArrayList<>();
        for (String section : ConfigSchema.SECTIONS) {
            if (prefix.isEmpty()) {
                siblings.add(section);
            }
        }
        for (Key key : ConfigSchema.KEYS.values()) {
            if (key.parent().equals(prefix)) {
                siblings.add(key.leaf());
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : siblings) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(1, Math.min(3, name.length() / 3))) {
            return " (did you mean " + best + "?)";
        }
        for (Key key : ConfigSchema.KEYS.values()) {
            if (key.leaf().equalsIgnoreCase(name)) {
                return " (did you mean " + key.path() + "?)";
            }
        }
        return "";
    }

    /** The allowed word that differs from {@code text} only in case; "" when none. */
    static String choiceHint(List<String> choices, String text) {
        for (String choice : choices) {
            if (choice.equalsIgnoreCase(text)) {
                return " (did you mean " + choice + "?)";
            }
        }
        return "";
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

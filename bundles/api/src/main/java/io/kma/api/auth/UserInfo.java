package io.kma.api.auth;

import java.util.List;
import java.util.Map;

/**
 * An authenticated caller, as Kubernetes describes users.
 *
 * @param name   user name
 * @param uid    uid, may be empty
 * @param groups groups (never null)
 * @param extra  extra attributes (never null)
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
}

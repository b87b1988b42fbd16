package io.kma.api.config;

/**
 * Registered by the config bundle to tell the launcher (and readiness) whether the configuration
 * file applied. The launcher reads the service properties only, so it needs no class from bundles.
 */
public interface ConfigurationStatus {

    /** Service property: absolute path of the configuration file. */
    String PATH = "kma.config.path";

    /** Service property: {@link #VALID} or {@link #INVALID}. */
    String STATE = "kma.config.state";

    /** Service property: the one-line error naming the key (and line) when invalid. */
    String ERROR = "kma.config.error";

    String VALID = "valid";

    String INVALID = "invalid";
}

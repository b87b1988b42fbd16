package io.kma.api.auth;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster's published authentication settings, read (and kept current) from the
 * {@code kube-system/extension-apiserver-authentication} ConfigMap.
 */
@ProviderType
public interface AuthenticationSettingsSource {

    /** Current settings; empty until read or when the ConfigMap has no request-header CA. */
    Optional<RequestHeaderSettings> requestHeaderSettings();
}

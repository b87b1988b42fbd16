/**
 * Delegated authentication and authorization through kube-apiserver: TokenReview, SubjectAccessReview and the request-header settings.
 */
@Export
@Version("1.0.0")
package io.kma.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

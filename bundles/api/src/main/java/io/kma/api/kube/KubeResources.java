package io.kma.api.kube;

import java.io.IOException;
import java.net.URI;

import org.osgi.annotation.versioning.ProviderType;

/**
 * GET, POST, PUT and DELETE of Kubernetes objects as JSON, with the appliance's kubeconfig (kube-client bundle).
 * Every answer is returned with its status code, errors included: callers decide what a 404 or a 409 Conflict
 * means (optimistic concurrency is theirs). Paths are absolute API paths, e.g.
 * {@code /api/v1/namespaces/kube-system/endpoints/metrics-server}. Calls block for at most the client's request
 * timeout.
 */
@ProviderType
public interface KubeResources {

    /**
     * An answer of kube-apiserver.
     *
     * @param code HTTP status code
     * @param body the JSON body (an object or a {@code Status}); at most {@link #MAX_BODY} bytes are read
     */
    record Answer(int code, String body) {

        /** Bodies larger than this are an error (the objects this API is for are small). */
        public static final int MAX_BODY = 4 << 20;

        public boolean ok() {
            return code / 100 == 2;
        }

        public boolean notFound() {
            return code == 404;
        }

        /** 409: a stale resourceVersion (Conflict) or an object that already exists (AlreadyExists). */
        public boolean conflict() {
            return code == 409;
        }
    }

    /** GET of an object or a collection (query included). */
    Answer get(String path) throws IOException;

    /** POST (create) of {@code json} into the collection at {@code path}. */
    Answer create(String path, String json) throws IOException;

    /** PUT (update) of {@code json} at {@code path}; its {@code metadata.resourceVersion} makes it conditional. */
    Answer update(String path, String json) throws IOException;

    /**
     * DELETE of the object at {@code path}; {@code deleteOptions} (may be null) is a {@code DeleteOptions} JSON,
     * e.g. with {@code preconditions.resourceVersion}.
     */
    Answer delete(String path, String deleteOptions) throws IOException;

    /**
     * The kube-apiserver URL of the loaded kubeconfig.
     *
     * @throws IOException when no kubeconfig is loaded (the message says why)
     */
    URI server() throws IOException;
}

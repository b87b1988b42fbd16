package io.kma.registration.internal;

import java.io.IOException;
import java.net.URI;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.kma.api.kube.KubeResources;

/**
 * The KubeResources service bound now (DS replaces it dynamically), so a long-lived Registrar follows a bundle update;
 * while {@code abandoned} holds, every call fails at once (a round cut short for the SIGTERM hand-over).
 */
final class CurrentKube implements KubeResources {

    private final Supplier<KubeResources> current;
    private final BooleanSupplier abandoned;

    CurrentKube(Supplier<KubeResources> current, BooleanSupplier abandoned) {
        this.current = current;
        this.abandoned = abandoned;
    }

    private KubeResources k() throws IOException {
        if (abandoned.getAsBoolean()) {
            throw new IOException("round abandoned: stopping");
        }
        KubeResources k = current.get();
        if (k == null) {
            throw new IOException("the kube-client bundle is not running");
        }
        return k;
    }

    @Override
    public Answer get(String path) throws IOException {
        return k().get(path);
    }

    @Override
    public Answer create(String path, String json) throws IOException {
        return k().create(path, json);
    }

    @Override
    public Answer update(String path, String json) throws IOException {
        return k().update(path, json);
    }

    @Override
    public Answer delete(String path, String deleteOptions) throws IOException {
        return k().delete(path, deleteOptions);
    }

    @Override
    public URI server() throws IOException {
        return k().server();
    }
}

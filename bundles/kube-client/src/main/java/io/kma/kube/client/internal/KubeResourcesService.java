package io.kma.kube.client.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.kube.KubeResources;

/** {@link KubeResources} over this bundle's connection to kube-apiserver (the appliance's kubeconfig). */
@Component(service = KubeResources.class)
public final class KubeResourcesService implements KubeResources {

    @Reference
    private ApiConnection connection;

    @Override
    public Answer get(String path) throws IOException {
        ApiClient c = client();
        return send("get", new HttpGet(c.url(path)), null, c);
    }

    @Override
    public Answer create(String path, String json) throws IOException {
        ApiClient c = client();
        return send("create", new HttpPost(c.url(path)), json, c);
    }

    @Override
    public Answer update(String path, String json) throws IOException {
        ApiClient c = client();
        return send("update", new HttpPut(c.url(path)), json, c);
    }

    @Override
    public Answer delete(String path, String deleteOptions) throws IOException {
        ApiClient c = client();
        // HttpClient 5's HttpDelete carries an entity like any request; kube-apiserver reads DeleteOptions from it
        return send("delete", new HttpDelete(c.url(path)), deleteOptions, c);
    }

    @Override
    public URI server() throws IOException {
        return client().server();
    }

    private ApiClient client() throws IOException {
        ApiClient c = connection.client();
        if (c == null) {
            throw new IOException("no connection to kube-apiserver: " + connection.error());
        }
        return c;
    }

    private static Answer send(String verb, HttpUriRequestBase request, String json, ApiClient client) throws IOException {
        ApiClient.Exchanged e = client.exchange(verb, request,
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), Answer.MAX_BODY);
        return new Answer(e.code(), e.body());
    }
}

package io.kma.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code ?watch=true} stream: newline-delimited JSON events, initial ADDED events when no
 * resourceVersion (or "0") is given, resume from a resourceVersion, 410 ERROR when it is older than
 * the history, BOOKMARKs when allowed, and the end at timeoutSeconds. Bounded in time and queue.
 */
final class WatchStream {
    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
    private static final int QUEUE = 100_000;

    private final Simulator sim;
    private final HttpServerExchange ex;
    private final String resource;
    private final String namespace;
    private final String name;
    private final LabelSelector labels;
    private final FieldSelector fields;
    private final boolean metadataOnly;
    private final BlockingQueue<WatchEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile boolean overflowed;

    WatchStream(Simulator sim, HttpServerExchange ex, String resource, String namespace, String name,
                LabelSelector labels, FieldSelector fields, boolean metadataOnly) {
        this.sim = sim;
        this.ex = ex;
        this.resource = resource;
        this.namespace = namespace;
        this.name = name;
        this.labels = labels;
        this.fields = fields;
        this.metadataOnly = metadataOnly;
    }

    private boolean matches(Object o) {
        if (o == null) {
            return false;
        }
        if (o instanceof SimPod p) {
            return (namespace == null || namespace.equals(p.namespace)) && (name == null || name.equals(p.name))
                    && labels.matches(p.labels) && fields.matchesPod(p);
        }
        SimNode n = (SimNode) o;
        return (name == null || name.equals(n.name)) && labels.matches(n.labels) && fields.matchesNode(n);
    }

    /** Translates a raw event into what this watcher sees, or null; a change across the selector is ADDED/DELETED. */
    private String typeFor(WatchEvent e) {
        if (!e.resource().equals(resource)) {
            return null;
        }
        boolean now = matches(e.object());
        boolean before = matches(e.previous());
        return switch (e.type()) {
            case "ADDED" -> now ? "ADDED" : null;
            case "DELETED" -> now || before ? "DELETED" : null;
            default -> now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
        };
    }

    void run() throws IOException {
        String rvParam = Http.param(ex, "resourceVersion");
        String timeoutParam = Http.param(ex, "timeoutSeconds");
        long timeoutSeconds = timeoutParam == null ? sim.options().watchDefaultTimeoutSeconds() : Math.max(1, Long.parseLong(timeoutParam));
        boolean bookmarks = Http.flag(ex, "allowWatchBookmarks");
        boolean sendInitial = Http.flag(ex, "sendInitialEvents");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);

        Consumer<WatchEvent> sink = e -> {
            if (!queue.offer(e)) {
                overflowed = true;
            }
        };
        ClusterState cluster = sim.cluster();
        List<Object> initial = List.of();
        ClusterState.Subscription sub = null;
        boolean fromNow = rvParam == null || rvParam.isEmpty() || rvParam.equals("0");
        if (fromNow || sendInitial) {
            initial = cluster.snapshotAndSubscribe(resource, sink);
        } else {
            long from = Http.resourceVersion(ex, rvParam);
            if (from < 0) {
                return;
            }
            sub = cluster.subscribe(from, sink);
        }
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseHeaders().put(Headers.TRANSFER_ENCODING, "chunked");
        OutputStream os = ex.getOutputStream();
        long lastRv = cluster.resourceVersion();
        try (JsonGenerator g = Http.JSON.createGenerator(os, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null); // events are separated by '\n' only
            final ClusterState.Subscription expired = sub;
            if (sub != null && sub.tooOld()) {
                LOG.info("watch {} from resourceVersion {}: too old (oldest {}), sending 410", resource, rvParam, sub.oldestAvailable());
                event(g, "ERROR", null, gen -> Render.status(gen, 410, "Expired",
                        "too old resource version: " + rvParam + " (" + expired.oldestAvailable() + ")", null, null, null));
                flush(g, os);
                return;
            }
            for (Object o : initial) {
                if (matches(o)) {
                    event(g, "ADDED", o, null);
                }
            }
            if (sub != null) {
                for (WatchEvent e : sub.backlog()) {
                    writeEvent(g, e);
                    lastRv = e.resourceVersion();
                }
            }
            if (sendInitial && bookmarks) {
                bookmark(g, lastRv, true);
            }
            flush(g, os);
            long bookmarkEvery = TimeUnit.SECONDS.toNanos(sim.options().watchBookmarkSeconds());
            long nextBookmark = System.nanoTime() + bookmarkEvery;
            while (!sim.isClosed() && System.nanoTime() < deadline) {
                if (overflowed) {
                    LOG.warn("watch {} fell {} events behind; closing it so the client re-lists", resource, QUEUE);
                    return;
                }
                WatchEvent e = queue.poll(250, TimeUnit.MILLISECONDS);
                if (e != null) {
                    writeEvent(g, e);
                    lastRv = e.resourceVersion();
                    while ((e = queue.poll()) != null) {
                        writeEvent(g, e);
                        lastRv = e.resourceVersion();
                    }
                    flush(g, os);
                }
                if (bookmarks && System.nanoTime() > nextBookmark) {
                    bookmark(g, Math.max(lastRv, cluster.resourceVersion()), false);
                    flush(g, os);
                    nextBookmark = System.nanoTime() + bookmarkEvery;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cluster.unsubscribe(sink);
        }
    }

    private void writeEvent(JsonGenerator g, WatchEvent e) throws IOException {
        String type = typeFor(e);
        if (type != null) {
            event(g, type, e.object(), null);
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private void event(JsonGenerator g, String type, Object obj, Body custom) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeFieldName("object");
        if (custom != null) {
            custom.write(g);
        } else {
            ApiServerHandler.writeObject(g, obj, metadataOnly, true);
        }
        g.writeEndObject();
        g.writeRaw('\n');
    }

    private void bookmark(JsonGenerator g, long rv, boolean initialEventsEnd) throws IOException {
        event(g, "BOOKMARK", null, gen -> {
            gen.writeStartObject();
            String kind = resource.equals("nodes") ? "Node" : "Pod";
            Render.typeMeta(gen, metadataOnly ? "PartialObjectMetadata" : kind, metadataOnly ? "meta.k8s.io/v1" : "v1");
            gen.writeObjectFieldStart("metadata");
            gen.writeStringField("resourceVersion", Long.toString(rv));
            gen.writeNullField("creationTimestamp");
            if (initialEventsEnd) {
                gen.writeObjectFieldStart("annotations");
                gen.writeStringField("k8s.io/initial-events-end", "true");
                gen.writeEndObject();
            }
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    private static void flush(JsonGenerator g, OutputStream os) throws IOException {
        g.flush();
        os.flush();
    }
}

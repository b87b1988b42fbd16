package io.kma.kube.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import io.kma.shared.time.GoDurations;

/**
 * List-then-watch loop of one resource on its own daemon thread, like client-go's reflector: a list fills
 * the store, a watch from the list's resourceVersion keeps it current, a watch that ends or drops is
 * resumed from the last resourceVersion seen (bookmarks included), and a 410 Gone leads to a new list that
 * replaces the store at once. Failures back off with jitter; the store is never cleared on an error, so
 * readers keep the last known state.
 *
 * <p>Which list, as the reflector asks ({@code relistResourceVersion}): the first with
 * {@code resourceVersion=0&limit=}page size, which kube-apiserver serves from its watch cache in one
 * response (the cache ignores limit when resourceVersion is 0; 350,000 pods in 700 sequential pages of
 * 500 took 36 s at cold start); a relist after a 410 from the last resourceVersion seen and without limit
 * (also the cache); when that resourceVersion is itself too old or too new, a consistent read
 * ({@code resourceVersion} unset) in pages, from etcd. A server that paged the first list (no watch
 * cache) keeps being asked in pages.
 *
 * @param <T> the cached value type
 */
final class Informer<T> {

    /** What a store of decoded objects must do; called from the informer thread only. */
    interface Store<T> {

        /** Replaces the whole content at once (after a list). */
        void replace(List<T> items);

        void upsert(T item);

        void delete(T item);

        int size();
    }

    /**
     * Turns an object of the list or of a watch event into a value; null skips it. Both read the object field by
     * field from the stream: of a full pod only five fields are kept, so a tree of the rest per object (350,000 at
     * the first list, one per watch event after) would be most of the work.
     */
    interface Decoder<T> {
        /**
         * Reads the object from a parser at its START_OBJECT, leaving the parser at the matching END_OBJECT.
         *
         * @param resourceVersion receives {@code metadata.resourceVersion} when the object has one (watch events
         *                        resume from it); null when the caller does not need it (list items)
         */
        T decode(JsonParser parser, ObjectMapper mapper, Consumer<String> resourceVersion) throws IOException;
    }

    /**
     * @param typeName      how upstream's informer health check names the type, e.g. {@code *v1.Node}
     * @param logName       short name for log lines, e.g. {@code node}
     * @param path          collection path, e.g. {@code /api/v1/nodes}
     * @param fieldSelector raw field selector or null
     * @param listAccept    Accept header of list requests
     * @param watchAccept   Accept header of watch requests
     */
    record Spec(String typeName, String logName, String path, String fieldSelector, String listAccept,
            String watchAccept) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Informer.class);

    /**
     * Silence allowed in a list answer. A list served whole from the watch cache is encoded before its first
     * byte (350,000 pods: seconds); kube-apiserver ends any list at its own --request-timeout, 60 s by default.
     */
    static final Timeout LIST_TIMEOUT = Timeout.ofSeconds(60);

    /** Characters kept of an ERROR event's message. */
    static final int MAX_MESSAGE = 1_024;
    /** Tokens of an event's object buffered when it comes before its type: etcd's 1.5 MiB objects hold fewer. */
    static final int MAX_BUFFERED_TOKENS = 200_000;

    private final Spec spec;
    private final Decoder<T> decoder;
    private final Store<T> store;
    private final Supplier<ApiClient> clients;
    private final InformerTiming timing;
    private final Backoff backoff;
    /** Holds the first list back; null: list at once. */
    private final ListHold hold;

    private volatile boolean running;
    private volatile boolean started;
    private volatile boolean synced;
    /** The first list is held back ({@link ListHold}) right now. */
    private volatile boolean holding;
    /** How long the first list was held back, for its log line; 0 after. */
    private long heldMillis;
    private volatile String resourceVersion;
    /** The newest resourceVersion seen, kept across a 410 for the relist (client-go: lastSyncResourceVersion). */
    private String lastSyncResourceVersion;
    /** The last list at lastSyncResourceVersion was refused as too old or too new: list consistently. */
    private boolean lastSyncUnavailable;
    /** The first list at resourceVersion=0 came in pages: this server has no watch cache for the resource. */
    private boolean paginatedResult;
    private volatile HttpUriRequestBase inFlight;
    private volatile String lastError;
    private java.net.URI lastServer;
    private long lastListNanos;
    private int failures;
    /** Polls for a client so far. */
    private int waits;
    private String lastLogged;
    private long lastLoggedNanos;
    private Thread thread;

    Informer(Spec spec, Decoder<T> decoder, Store<T> store, Supplier<ApiClient> clients, InformerTiming timing) {
        this(spec, decoder, store, clients, timing, null);
    }

    /** @param hold holds the first list back (see {@link ListHold}); null lists at once */
    Informer(Spec spec, Decoder<T> decoder, Store<T> store, Supplier<ApiClient> clients, InformerTiming timing,
            ListHold hold) {
        this.spec = spec;
        this.decoder = decoder;
        this.store = store;
        this.clients = clients;
        this.timing = timing;
        this.backoff = new Backoff(timing.backoffInitialMillis(), timing.backoffMaxMillis(), 0.2);
        this.hold = hold;
        this.holding = hold != null;
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "kma-kube-client-" + spec.logName() + "-informer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the loop: cancels the request in flight (unblocking its read) and waits briefly for the thread. */
    void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        HttpUriRequestBase r = inFlight;
        if (r != null) {
            r.cancel();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Spec spec() {
        return spec;
    }

    /** True once the loop had a client to list with (upstream: the informer was started). */
    boolean started() {
        return started;
    }

    boolean synced() {
        return synced;
    }

    /** True while the first list is held back ({@link ListHold}). */
    boolean holding() {
        return holding;
    }

    String resourceVersion() {
        return resourceVersion;
    }

    /** The last failure, for health-check reasons; null after a success. */
    String lastError() {
        return lastError;
    }

    private void run() {
        if (hold != null) {
            long t0 = System.nanoTime();
            try {
                hold.await();
            } catch (InterruptedException e) {
                return; // stop()
            } finally {
                holding = false;
            }
            heldMillis = (System.nanoTime() - t0) / 1_000_000;
        }
        while (running) {
            ApiClient client = clients.get();
            if (client == null) {
                // No usable kubeconfig yet; the connection reports why. At start it is usually a moment away (the
                // kubeconfig is read on another thread): look often for a few seconds so the first list is not
                // held up, then once a second.
                pause(waits++ < 50 ? 100 : 1_000);
                continue;
            }
            started = true;
            if (lastServer != null && !lastServer.equals(client.server())) {
                // Another apiserver (the kubeconfig changed): its resourceVersions mean nothing here.
                LOG.info("{} cache: kube-apiserver changed to {}, listing again", spec.logName(), client.server());
                resourceVersion = null;
                lastSyncResourceVersion = null;
                paginatedResult = false;
            }
            lastServer = client.server();
            String phase = resourceVersion == null ? "list" : "watch";
            try {
                if (resourceVersion == null) {
                    list(client);
                    phase = "watch";
                }
                long t0 = System.nanoTime();
                int events = watch(client);
                lastError = null;
                if (events == 0 && System.nanoTime() - t0 < 1_000_000_000L) {
                    // A watch closed at once without a word: do not spin.
                    pause(backoff.next());
                } else {
                    backoff.reset();
                }
            } catch (ApiException e) {
                if (!running) {
                    break;
                }
                if (e.isGone()) {
                    LOG.info("{} {}: resourceVersion {} is too old (410 Gone), listing again", spec.logName(), phase,
                            resourceVersion);
                    resourceVersion = null;
                    if (System.nanoTime() - lastListNanos < 1_000_000_000L) {
                        // Gone again right after a list: something is wrong upstream, do not hammer it.
                        pause(backoff.next());
                    }
                    continue;
                }
                failed(phase, client, e);
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    break;
                }
                if (clients.get() != client) {
                    // The kubeconfig was reloaded and the old client closed under us: carry on at once.
                    continue;
                }
                failed(phase, client, e);
            }
        }
    }

    private void failed(String phase, ApiClient client, Exception e) {
        long delay = backoff.next();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        lastError = spec.logName() + " " + phase + " at " + client.server() + " failed: " + msg;
        failures++;
        long now = System.nanoTime();
        // While kube-apiserver stays down the same line would repeat at every retry: once a minute is enough.
        if (!lastError.equals(lastLogged) || now - lastLoggedNanos > 60_000_000_000L) {
            lastLogged = lastError;
            lastLoggedNanos = now;
            LOG.warn("{}; retrying in {} ms", lastError, delay);
        }
        pause(delay);
    }

    /** Called when a request succeeded: says so once after failures. */
    private void recovered(String what) {
        if (failures > 0) {
            LOG.info("{} {} at resourceVersion {} after {} failed attempt(s)", spec.logName(), what, resourceVersion,
                    failures);
            failures = 0;
            lastLogged = null;
        }
        lastError = null;
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // stop() interrupts; the loop re-checks running
        }
    }

    /** The resourceVersion to list from (client-go's relistResourceVersion): "" is a consistent read. */
    private String relistResourceVersion() {
        if (lastSyncUnavailable) {
            return "";
        }
        return lastSyncResourceVersion == null ? "0" : lastSyncResourceVersion;
    }

    /** A list (limit + continue when paged); replaces the store only when every page arrived. */
    private void list(ApiClient client) throws IOException {
        String from = relistResourceVersion();
        try {
            list(client, from);
        } catch (ApiException e) {
            if (from.isEmpty() || !(e.isGone() || tooLargeResourceVersion(e)) || !running) {
                throw e;
            }
            // As the reflector: the resourceVersion is unavailable, list the latest state at once.
            LOG.info("{} list at resourceVersion {} refused ({}), listing the latest state", spec.logName(), from,
                    e.getMessage());
            lastSyncUnavailable = true;
            list(client, "");
        }
    }

    private void list(ApiClient client, String from) throws IOException {
        // Not "0" nor "": the watch cache serves it only without limit (the reflector drops paging then too).
        int limit = !from.isEmpty() && !from.equals("0") && !paginatedResult ? 0 : timing.pageSize();
        List<T> items = new ArrayList<>();
        String cont = null;
        String rv = null;
        int restarts = 0;
        int pages = 0;
        do {
            StringBuilder q = new StringBuilder(spec.path()).append('?');
            if (limit > 0) {
                q.append("limit=").append(limit).append('&');
            }
            if (spec.fieldSelector() != null) {
                q.append("fieldSelector=").append(enc(spec.fieldSelector())).append('&');
            }
            if (cont != null) {
                q.append("continue=").append(enc(cont)); // a continue token carries its resourceVersion
            } else if (!from.isEmpty()) {
                q.append("resourceVersion=").append(enc(from));
            }
            if (q.charAt(q.length() - 1) == '&' || q.charAt(q.length() - 1) == '?') {
                q.setLength(q.length() - 1);
            }
            String[] meta;
            try (ApiClient.Call call = client.open("list", q.toString(), spec.listAccept(), LIST_TIMEOUT,
                    this::track)) {
                meta = readPage(client.mapper(), call.body(), items);
                call.release();
            } catch (ApiException e) {
                if (e.isGone() && cont != null && restarts++ == 0) {
                    // The continue token expired between pages: start the list over, once.
                    LOG.info("{} list: continue token expired (410 Gone), listing from the start", spec.logName());
                    items.clear();
                    cont = null;
                    continue;
                }
                throw e;
            } finally {
                inFlight = null;
            }
            pages++;
            rv = meta[0];
            cont = meta[1] == null || meta[1].isEmpty() ? null : meta[1];
        } while (cont != null && running);
        if (!running) {
            return;
        }
        if (rv == null || rv.isEmpty()) {
            throw new IOException("list answer has no metadata.resourceVersion");
        }
        store.replace(items);
        lastListNanos = System.nanoTime();
        if (from.equals("0") && pages > 1) {
            paginatedResult = true;
        }
        lastSyncUnavailable = false;
        seen(rv);
        synced = true;
        recovered("list succeeded");
        backoff.reset();
        LOG.info("{} cache listed: {} objects in {} page(s) at resourceVersion {} (asked {}){}", spec.logName(),
                items.size(), pages, rv, from.isEmpty() ? "the latest" : from, heldFor());
        heldMillis = 0;
    }

    private String heldFor() {
        if (heldMillis == 0) {
            return "";
        }
        return "; held " + GoDurations.ofMillis(heldMillis) + (hold.released() ? " for the scraper's first scrapes"
                : " (the bound: the scraper had not released it)");
    }

    private void seen(String rv) {
        resourceVersion = rv;
        lastSyncResourceVersion = rv;
    }

    /** kube-apiserver's answer to a resourceVersion newer than its cache (504, as client-go recognises it). */
    private static boolean tooLargeResourceVersion(ApiException e) {
        return e.code() == 504 && e.getMessage() != null && e.getMessage().contains("Too large resource version");
    }

    /** Streams one list page: items are decoded one by one; returns {resourceVersion, continue}. */
    private String[] readPage(ObjectMapper mapper, InputStream in, List<T> items) throws IOException {
        String rv = null;
        String cont = null;
        try (JsonParser p = parser(mapper, in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("list answer is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
                    JsonNode meta = mapper.readTree(p);
                    rv = text(meta, "resourceVersion");
                    cont = text(meta, "continue");
                } else if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        T item = decoder.decode(p, mapper, null);
                        if (item != null) {
                            items.add(item);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new String[] {rv, cont};
    }

    /** One watch from the current resourceVersion; returns the number of events once the server ends it. */
    private int watch(ApiClient client) throws IOException {
        int timeout = ThreadLocalRandom.current().nextInt(timing.minWatchSeconds(), timing.maxWatchSeconds() + 1);
        StringBuilder q = new StringBuilder(spec.path()).append("?watch=true&allowWatchBookmarks=true&resourceVersion=")
                .append(enc(resourceVersion)).append("&timeoutSeconds=").append(timeout);
        if (spec.fieldSelector() != null) {
            q.append("&fieldSelector=").append(enc(spec.fieldSelector()));
        }
        int events = 0;
        // Tolerate silence a little longer than the server-side timeout; bookmarks come about every minute.
        try (ApiClient.Call call = client.open("watch", q.toString(), spec.watchAccept(),
                Timeout.ofSeconds(timeout + 30L), this::track)) {
            // Connected: whatever failed before is over (the health checks show lastError).
            recovered("watch resumed");
            ObjectMapper mapper = client.mapper();
            try (JsonParser p = parser(mapper, call.body())) {
                JsonToken t;
                while (running && (t = p.nextToken()) != null) {
                    if (t != JsonToken.START_OBJECT) {
                        throw new IOException("watch stream: expected an event object, got " + t);
                    }
                    event(p, mapper);
                    events++;
                }
            }
        } finally {
            inFlight = null;
        }
        return events;
    }

    /**
     * One watch event from a parser at its START_OBJECT, read as it streams: kube-apiserver writes {@code type}
     * before {@code object}; an object that comes first is buffered as tokens until the type is known. Anything
     * malformed is an IOException (the watch then ends and is resumed); package-private for WatchEventFuzzTest.
     */
    void event(JsonParser p, ObjectMapper mapper) throws IOException {
        String type = null;
        boolean hasObject = false;
        TokenBuffer early = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("type".equals(field) && value == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if ("object".equals(field) && value == JsonToken.START_OBJECT && !hasObject) {
                hasObject = true;
                if (type == null) {
                    early = new TokenBuffer(p);
                    copyBounded(p, early);
                } else {
                    object(type, p, mapper);
                }
            } else {
                p.skipChildren();
            }
        }
        if (type == null || !hasObject) {
            throw new IOException("watch stream: event without type or object");
        }
        if (early != null) {
            try (JsonParser buffered = early.asParser(p.getCodec())) {
                buffered.nextToken();
                object(type, buffered, mapper);
            }
        }
    }

    /**
     * A server's message as it may go into a log line and a health-check reason: at most {@link #MAX_MESSAGE}
     * characters, not cut inside a surrogate pair, control characters (newlines too) as spaces.
     */
    static String loggable(String msg) {
        if (msg == null) {
            return null;
        }
        String cut = msg;
        if (msg.length() > MAX_MESSAGE) {
            int end = Character.isHighSurrogate(msg.charAt(MAX_MESSAGE - 1)) ? MAX_MESSAGE - 1 : MAX_MESSAGE;
            cut = msg.substring(0, end) + "...";
        }
        StringBuilder clean = null;
        for (int i = 0; i < cut.length(); i++) {
            if (Character.isISOControl(cut.charAt(i))) {
                if (clean == null) {
                    clean = new StringBuilder(cut);
                }
                clean.setCharAt(i, ' ');
            }
        }
        return clean == null ? cut : clean.toString();
    }

    /**
     * Copies the object at the parser's START_OBJECT into {@code out}, refusing one of more than
     * {@link #MAX_BUFFERED_TOKENS} tokens: only an object sent before its type is buffered, and its size is the
     * sender's to choose. Leaves the parser at the object's END_OBJECT, as {@code copyCurrentStructure} does.
     */
    static void copyBounded(JsonParser p, TokenBuffer out) throws IOException {
        int depth = 0;
        int tokens = 0;
        do {
            if (++tokens > MAX_BUFFERED_TOKENS) {
                throw new IOException("watch stream: an event's object sent before its type has more than "
                        + MAX_BUFFERED_TOKENS + " tokens");
            }
            out.copyCurrentEvent(p);
            JsonToken t = p.currentToken();
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            }
        } while (depth > 0 && p.nextToken() != null);
    }

    /** The event's object, at its START_OBJECT; the store changes first, then the resourceVersion moves on. */
    private void object(String type, JsonParser p, ObjectMapper mapper) throws IOException {
        String[] version = new String[1];
        Consumer<String> versionSink = v -> version[0] = v;
        switch (type) {
            case "ADDED", "MODIFIED" -> {
                T item = decoder.decode(p, mapper, versionSink);
                if (item != null) {
                    store.upsert(item);
                }
            }
            case "DELETED" -> {
                T item = decoder.decode(p, mapper, versionSink);
                if (item != null) {
                    store.delete(item);
                }
            }
            case "BOOKMARK" -> version[0] = metadataResourceVersion(p); // only the resourceVersion matters
            case "ERROR" -> {
                // a Status: small, and the watch ends with it
                JsonNode status = mapper.readTree(p);
                int code = status.path("code").asInt(500);
                String msg = loggable(text(status, "message"));
                throw new ApiException(code, "watch error " + code + (msg == null ? "" : ": " + msg));
            }
            default -> throw new IOException("watch stream: unknown event type " + type);
        }
        if (version[0] != null && !version[0].isEmpty()) {
            seen(version[0]);
        }
    }

    /** {@code metadata.resourceVersion} of an object at its START_OBJECT, skipping everything else. */
    private static String metadataResourceVersion(JsonParser p) throws IOException {
        String rv = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean meta = "metadata".equals(p.currentName());
            if (p.nextToken() == JsonToken.START_OBJECT && meta) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    boolean isVersion = "resourceVersion".equals(p.currentName());
                    if (p.nextToken() == JsonToken.VALUE_STRING && isVersion) {
                        rv = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return rv;
    }

    /**
     * The parser must not close the response stream: closing a chunked stream drains it, which blocks
     * on an open watch. {@link ApiClient.Call#close()} aborts the connection instead.
     */
    private static JsonParser parser(ObjectMapper mapper, InputStream in) throws IOException {
        JsonParser p = mapper.getFactory().createParser(in);
        p.configure(JsonParser.Feature.AUTO_CLOSE_SOURCE, false);
        return p;
    }

    private void track(HttpUriRequestBase request) {
        inFlight = request;
        if (!running) {
            // stop() may have looked before this request was published
            request.cancel();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package io.kma.metrics.api.internal;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.TokenReviewer;
import io.kma.api.auth.UserInfo;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Delegated authentication as the generic apiserver does it (reference §5.1), in order: request-header
 * (front proxy) on a connection whose client certificate chains to the request-header CA; x509 client
 * certificate against the ConfigMap's client-ca-file; bearer token via TokenReview (cached). The
 * request-header headers are removed from every request before anything else reads it.
 */
final class Authenticator {

    static final String AUTHENTICATED = "system:authenticated";
    private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final String REMOTE_PREFIX = "x-remote-";
    private static final int TOKEN_CACHE_SIZE = 4096;

    /**
     * The outcome: a user, or the cause of the 401 for the log and its category (a fixed name, a label on
     * /metrics).
     */
    record Result(UserInfo user, String failure, String category) {

        Result(UserInfo user) {
            this(user, null, null);
        }
    }

    /** Failure categories. */
    static final String NO_CREDENTIALS = "anonymous";
    static final String HEADERS_WITHOUT_CERTIFICATE = "identity_headers_without_certificate";
    static final String FRONT_PROXY_CA_MISSING = "front_proxy_ca_unavailable";
    static final String FRONT_PROXY_NAME = "front_proxy_name_not_allowed";
    static final String FRONT_PROXY_NO_USER = "front_proxy_no_user";
    static final String CERTIFICATE_UNTRUSTED = "client_certificate_untrusted";
    static final String TOKEN_REJECTED = "token_rejected";
    static final String TOKEN_REVIEW_FAILED = "token_review_failed";
    static final String TOKEN_RATE_LIMITED = "token_rate_limited";

    /** Request-header settings in effect: from the configuration file, or from the ConfigMap. */
    private record HeaderConfig(List<String> allowedNames, List<String> userHeaders,
            List<String> groupHeaders, List<String> extraPrefixes) {
    }

    /** What the request carried before the headers were stripped. */
    private record Claimed(String user, List<String> groups, Map<String, List<String>> extra, boolean anyHeader) {
    }

    private record CachedTrust(String pem, X509ExtendedTrustManager trust) {
    }

    private final ApiSettings settings;
    private final Collaborators services;
    // Valid and rejected tokens apart: a flood of random tokens only ever evicts rejected ones.
    private final ExpiringCache<String, UserInfo> validTokens;
    private final ExpiringCache<String, Boolean> rejectedTokens;
    private final FailedTokenLimit failedTokens;
    private volatile X509ExtendedTrustManager fileTrust;
    private volatile CachedTrust configMapRequestHeaderTrust;
    private volatile CachedTrust configMapClientTrust;

    Authenticator(ApiSettings settings, Collaborators services, LongSupplier nanoClock) {
        this.settings = settings;
        this.services = services;
        this.validTokens = new ExpiringCache<>(TOKEN_CACHE_SIZE, nanoClock);
        this.rejectedTokens = new ExpiringCache<>(TOKEN_CACHE_SIZE, nanoClock);
        this.failedTokens = new FailedTokenLimit(nanoClock);
    }

    long tokenCacheHits() {
        return validTokens.hits() + rejectedTokens.hits();
    }

    Result authenticate(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        Optional<RequestHeaderSettings> fromConfigMap = services.configMapSettings();
        HeaderConfig hc = headerNames(fromConfigMap);
        Claimed claimed = claim(headers, hc);
        // Before anything else: whatever happens next, no later reader sees these headers.
        strip(headers, hc);
        X509ExtendedTrustManager requestHeaderTrust = null;
        String headerConfigProblem = null;
        try {
            requestHeaderTrust = requestHeaderTrust(fromConfigMap);
        } catch (TlsException e) {
            headerConfigProblem = "request-header CA unusable, front-proxy requests cannot be authenticated: " + e.getMessage();
        }

        X509Certificate[] chain = peerCertificates(exchange);
        List<String> failures = new ArrayList<>(2);
        String category = null;
        if (chain != null) {
            // 1. request-header
            if (requestHeaderTrust == null) {
                failures.add(headerConfigProblem != null ? headerConfigProblem
                        : "no request-header CA configured (file empty, ConfigMap not read): front-proxy client certificate "
                                + describe(chain[0]) + " not trusted");
                category = FRONT_PROXY_CA_MISSING;
            } else if (verifies(requestHeaderTrust, chain)) {
                String cn = commonName(chain[0]);
                if (!hc.allowedNames().isEmpty() && !hc.allowedNames().contains(cn)) {
                    failures.add("front-proxy client certificate CN=" + LogText.quote(cn) + " not in allowed names "
                            + hc.allowedNames());
                    category = FRONT_PROXY_NAME;
                } else if (claimed.user() == null) {
                    failures.add("front-proxy request with client certificate CN=" + LogText.quote(cn)
                            + " carries no user name header " + hc.userHeaders());
                    category = FRONT_PROXY_NO_USER;
                } else {
                    return new Result(withAuthenticated(new UserInfo(claimed.user(), "", claimed.groups(), claimed.extra())));
                }
            }
            // 2. x509 client certificate against the cluster's client CA
            X509ExtendedTrustManager clientTrust = clientCaTrust(fromConfigMap);
            if (clientTrust != null && verifies(clientTrust, chain)) {
                return new Result(withAuthenticated(new UserInfo(commonName(chain[0]), "", organizations(chain[0]), Map.of())));
            }
            if (failures.isEmpty()) {
                failures.add("client certificate " + describe(chain[0])
                        + " chains neither to the request-header CA nor to the client CA");
                category = CERTIFICATE_UNTRUSTED;
            }
        }
        // 3. bearer token
        String token = bearerToken(headers);
        if (token != null) {
            Result r = reviewToken(token, client(exchange));
            if (r.user() != null) {
                return r;
            }
            failures.add(r.failure());
            category = r.category();
        }
        if (failures.isEmpty()) {
            failures.add(claimed.anyHeader()
                    ? "request-header headers" + (claimed.user() == null ? "" : " (user " + LogText.quote(claimed.user()) + ")")
                            + " ignored: connection has no client certificate"
                    : "request without credentials (no client certificate, no bearer token)");
            category = claimed.anyHeader() ? HEADERS_WITHOUT_CERTIFICATE : NO_CREDENTIALS;
        }
        return new Result(null, String.join("; ", failures), category);
    }

    private static String client(HttpServerExchange exchange) {
        java.net.InetSocketAddress a = exchange.getSourceAddress();
        return a == null || a.getAddress() == null ? "?" : a.getAddress().getHostAddress();
    }

    private Result reviewToken(String token, String client) {
        String key = sha256(token);
        String shortKey = key.substring(0, 12);
        UserInfo valid = validTokens.get(key);
        if (valid != null) {
            return new Result(withAuthenticated(valid));
        }
        Result rejected = new Result(null, "bearer token sha256:" + shortKey + " rejected by TokenReview", TOKEN_REJECTED);
        if (rejectedTokens.get(key) != null) {
            return rejected;
        }
        if (!failedTokens.allows(client)) {
            return new Result(null, "bearer token sha256:" + shortKey + " not reviewed: too many failed TokenReviews from "
                    + client + " (" + FailedTokenLimit.BURST + ", then one a second)", TOKEN_RATE_LIMITED);
        }
        TokenReviewer reviewer = services.tokenReviewer();
        if (reviewer == null) {
            return new Result(null, "bearer token cannot be checked: no TokenReviewer service", TOKEN_REVIEW_FAILED);
        }
        Optional<UserInfo> user;
        try {
            user = reviewer.review(token);
        } catch (IOException | RuntimeException e) {
            // Not cached: the next request asks again.
            failedTokens.failed(client);
            return new Result(null, "TokenReview failed: " + e.getMessage(), TOKEN_REVIEW_FAILED);
        }
        if (user == null || user.isEmpty()) {
            failedTokens.failed(client);
            rejectedTokens.put(key, Boolean.TRUE, settings.tokenCacheTtlMillis());
            return rejected;
        }
        validTokens.put(key, user.get(), settings.tokenCacheTtlMillis());
        return new Result(withAuthenticated(user.get()));
    }

    /** Header names in effect: from the configuration file's settings, or from the ConfigMap (maybe none yet). */
    private HeaderConfig headerNames(Optional<RequestHeaderSettings> fromConfigMap) {
        if (!settings.requestHeaderCaFile().isEmpty()) {
            return new HeaderConfig(settings.allowedNames(), settings.usernameHeaders(), settings.groupHeaders(),
                    settings.extraHeaderPrefixes());
        }
        if (fromConfigMap.isEmpty()) {
            return new HeaderConfig(List.of(), List.of(), List.of(), List.of());
        }
        RequestHeaderSettings s = fromConfigMap.get();
        return new HeaderConfig(nonNull(s.allowedNames()), nonNull(s.usernameHeaders()), nonNull(s.groupHeaders()),
                nonNull(s.extraHeaderPrefixes()));
    }

    /** The request-header CA: the configured file, or the ConfigMap's PEM; null when neither is known. */
    private X509ExtendedTrustManager requestHeaderTrust(Optional<RequestHeaderSettings> fromConfigMap) throws TlsException {
        if (!settings.requestHeaderCaFile().isEmpty()) {
            X509ExtendedTrustManager t = fileTrust;
            if (t == null) {
                // The tls bundle's trust manager re-reads the file when it changes; one is enough.
                t = services.tls().trustManager(Path.of(settings.requestHeaderCaFile()));
                fileTrust = t;
            }
            return t;
        }
        if (fromConfigMap.isEmpty() || fromConfigMap.get().clientCaPem() == null || fromConfigMap.get().clientCaPem().isBlank()) {
            return null;
        }
        String pem = fromConfigMap.get().clientCaPem();
        CachedTrust c = configMapRequestHeaderTrust;
        if (c == null || !c.pem().equals(pem)) {
            c = new CachedTrust(pem, services.tls().trustManager(pem,
                    "ConfigMap kube-system/extension-apiserver-authentication requestheader-client-ca-file"));
            configMapRequestHeaderTrust = c;
        }
        return c.trust();
    }

    private X509ExtendedTrustManager clientCaTrust(Optional<RequestHeaderSettings> fromConfigMap) {
        if (fromConfigMap.isEmpty() || fromConfigMap.get().clientCaFilePem() == null
                || fromConfigMap.get().clientCaFilePem().isBlank()) {
            return null;
        }
        String pem = fromConfigMap.get().clientCaFilePem();
        CachedTrust c = configMapClientTrust;
        if (c == null || !c.pem().equals(pem)) {
            try {
                c = new CachedTrust(pem, services.tls().trustManager(pem,
                        "ConfigMap kube-system/extension-apiserver-authentication client-ca-file"));
            } catch (TlsException e) {
                return null;
            }
            configMapClientTrust = c;
        }
        return c.trust();
    }

    private static Claimed claim(HeaderMap headers, HeaderConfig hc) {
        boolean any = false;
        for (HttpString name : headers.getHeaderNames()) {
            if (name.toString().toLowerCase(Locale.ROOT).startsWith(REMOTE_PREFIX)) {
                any = true;
                break;
            }
        }
        String user = null;
        for (String h : hc.userHeaders()) {
            String v = headers.getFirst(h);
            if (v != null && !v.isEmpty()) {
                user = v;
                break;
            }
        }
        List<String> groups = new ArrayList<>();
        for (String h : hc.groupHeaders()) {
            HeaderValues values = headers.get(h);
            if (values != null) {
                groups.addAll(values);
            }
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (String prefix : hc.extraPrefixes()) {
            String lowerPrefix = prefix.toLowerCase(Locale.ROOT);
            for (HeaderValues values : headers) {
                String name = values.getHeaderName().toString();
                if (name.length() > lowerPrefix.length() && name.toLowerCase(Locale.ROOT).startsWith(lowerPrefix)) {
                    String key = unescape(name.substring(prefix.length()).toLowerCase(Locale.ROOT));
                    extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
                }
            }
        }
        return new Claimed(user, List.copyOf(groups), Map.copyOf(extra), any);
    }

    /** Removes the configured request-header headers and every X-Remote-* header. */
    private static void strip(HeaderMap headers, HeaderConfig hc) {
        List<HttpString> remove = new ArrayList<>();
        for (HttpString name : headers.getHeaderNames()) {
            String lower = name.toString().toLowerCase(Locale.ROOT);
            boolean match = lower.startsWith(REMOTE_PREFIX);
            if (!match) {
                match = containsIgnoreCase(hc.userHeaders(), lower) || containsIgnoreCase(hc.groupHeaders(), lower)
                        || startsWithAny(hc.extraPrefixes(), lower);
            }
            if (match) {
                remove.add(name);
            }
        }
        for (HttpString name : remove) {
            headers.remove(name);
        }
    }

    private static X509Certificate[] peerCertificates(HttpServerExchange exchange) {
        SSLSessionInfo info = exchange.getConnection() == null ? null : exchange.getConnection().getSslSessionInfo();
        if (info == null) {
            return null;
        }
        Certificate[] certs;
        try {
            certs = info.getPeerCertificates();
        } catch (Exception e) {
            // SSLPeerUnverifiedException / RenegotiationRequiredException: no client certificate was sent.
            return null;
        }
        if (certs == null || certs.length == 0) {
            return null;
        }
        X509Certificate[] chain = new X509Certificate[certs.length];
        for (int i = 0; i < certs.length; i++) {
            if (!(certs[i] instanceof X509Certificate x)) {
                return null;
            }
            chain[i] = x;
        }
        return chain;
    }

    /** Chain verification for a TLS client plus the clientAuth extended key usage (Go's x509 rule). */
    private static boolean verifies(X509ExtendedTrustManager trust, X509Certificate[] chain) {
        try {
            List<String> eku = chain[0].getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH_EKU) && !eku.contains(ANY_EKU)) {
                return false;
            }
            trust.checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
            return true;
        } catch (CertificateParsingException e) {
            return false;
        } catch (CertificateException | RuntimeException e) {
            return false;
        }
    }

    static String commonName(X509Certificate cert) {
        List<String> cns = rdns(cert, "CN");
        return cns.isEmpty() ? "" : cns.get(0);
    }

    private static List<String> organizations(X509Certificate cert) {
        return rdns(cert, "O");
    }

    private static List<String> rdns(X509Certificate cert, String type) {
        List<String> out = new ArrayList<>();
        try {
            LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
            // getRdns() indexes from the right of the RFC 2253 string, which is the certificate's encoding
            // order, the order Go reports groups in.
            for (Rdn r : dn.getRdns()) {
                if (r.getType().equalsIgnoreCase(type)) {
                    out.add(String.valueOf(r.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return out;
        }
        return out;
    }

    private static String describe(X509Certificate cert) {
        return "CN=" + LogText.quote(commonName(cert)) + " (issuer " + LogText.quote(cert.getIssuerX500Principal().getName()) + ")";
    }

    private static String bearerToken(HeaderMap headers) {
        String auth = headers.getFirst(Headers.AUTHORIZATION);
        if (auth == null) {
            return null;
        }
        auth = auth.trim();
        if (auth.length() < 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = auth.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static UserInfo withAuthenticated(UserInfo u) {
        List<String> groups = u.groups() == null ? List.of() : u.groups();
        if (groups.contains(AUTHENTICATED)) {
            return u;
        }
        List<String> g = new ArrayList<>(groups);
        g.add(AUTHENTICATED);
        return new UserInfo(u.name(), u.uid() == null ? "" : u.uid(), List.copyOf(g), u.extra() == null ? Map.of() : u.extra());
    }

    private static String unescape(String key) {
        if (key.indexOf('%') < 0) {
            return key;
        }
        try {
            // Go's url.PathUnescape: '+' stays '+'.
            return URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return key;
        }
    }

    static String sha256(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }

    private static boolean containsIgnoreCase(List<String> list, String lower) {
        for (String s : list) {
            if (s.equalsIgnoreCase(lower)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithAny(List<String> prefixes, String lower) {
        for (String p : prefixes) {
            if (lower.startsWith(p.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l;
    }


}

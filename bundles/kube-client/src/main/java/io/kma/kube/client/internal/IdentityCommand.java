package io.kma.kube.client.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.attribute.UserPrincipal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.runtime.Command;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.api.tls.TlsMaterials.CertificateRequest;
import io.kma.shared.x509.SubjectNames;

/**
 * {@code kube-metrics-appliance identity}: obtains the appliance's own client certificate
 * ({@code CN=system:kube-metrics-appliance}, no groups) through a {@code certificates.k8s.io/v1}
 * CertificateSigningRequest for the signer {@code kubernetes.io/kube-apiserver-client}. The key is generated here and
 * never leaves the host; the submitting credential (kubeadm's admin.conf) is only read. Renewal ({@code --renew}) acts
 * only in the last third of the certificate's life, so a daily timer renews a one-year certificate about four months
 * before it expires, and a shorter one (the signer may cap the lifetime) with as much margin in proportion.
 */
@Component(service = Command.class, property = Command.NAME + "=identity")
public final class IdentityCommand implements Command {

    static final String SIGNER = "kubernetes.io/kube-apiserver-client";
    static final long POLL_MILLIS = 500;

    private final TlsMaterials tls;
    private final IdentityOptions options;
    private final ObjectMapper mapper = new ObjectMapper();

    @Activate
    public IdentityCommand(@Reference TlsMaterials tls, BundleContext context) {
        this(tls, IdentityOptions.from(context::getProperty));
    }

    IdentityCommand(TlsMaterials tls, IdentityOptions options) {
        this.tls = tls;
        this.options = options;
    }

    @Override
    public int run(PrintStream out) {
        IdentityFiles files = new IdentityFiles(options.dir());
        try {
            if (options.renew() && !renewalDue(files, out, Instant.now())) {
                return 0;
            }
            files.prepare();
            UserPrincipal owner = files.owner(options.owner());
            Kubeconfig submitter = KubeconfigLoader.load(options.submitKubeconfig());
            CertificateRequest request = tls.certificateRequest(IdentityFiles.USER, List.of());
            String certificatePem;
            try (ApiClient api = new ApiClient(submitter, ApiTls.socketStrategy(submitter, tls),
                    "kube-metrics-appliance-identity", new RequestCounter(), mapper)) {
                SigningRequest csr = new SigningRequest(api, mapper);
                String name = csr.create(request.requestPem(), SIGNER, options.expiration());
                out.println("created CertificateSigningRequest " + name + " (signer " + SIGNER + ", CN "
                        + IdentityFiles.USER + ") as " + options.submitKubeconfig());
                if (options.approve()) {
                    csr.approve(name);
                    out.println("approved " + name + " with " + options.submitKubeconfig());
                } else {
                    out.println("waiting up to " + options.approvalWait().toSeconds() + " s for approval; approve it with:");
                    out.println("  kubectl certificate approve " + name);
                }
                out.flush();
                certificatePem = csr.awaitCertificate(name, options.approvalWait(), POLL_MILLIS);
            }
            X509Certificate cert = check(certificatePem, request);
            files.write(request.privateKeyPem(), certificatePem, submitter, caPem(submitter), owner);
            out.println("wrote " + files.kubeconfig() + ", " + files.certificate() + " and " + files.key()
                    + (options.owner() == null ? "" : " (key 0600, owner " + options.owner() + ")"));
            out.println("certificate " + cert.getSubjectX500Principal().getName() + " valid until "
                    + cert.getNotAfter().toInstant() + "; renewal due after " + renewalTime(cert));
            return 0;
        } catch (KubeconfigException | TlsException | IOException e) {
            out.println("kube-metrics-appliance identity: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("kube-metrics-appliance identity: interrupted");
            return 1;
        }
    }

    /** True when there is no usable certificate yet, or it has less than a third of its lifetime left. */
    private boolean renewalDue(IdentityFiles files, PrintStream out, Instant now) {
        if (!Files.isRegularFile(files.certificate())) {
            out.println(files.certificate() + " does not exist: requesting a certificate");
            return true;
        }
        try {
            X509Certificate cert = tls.readCertificates(files.certificate()).get(0);
            Instant due = renewalTime(cert);
            if (now.isBefore(due)) {
                out.println(files.certificate() + " valid until " + cert.getNotAfter().toInstant()
                        + "; renewal due after " + due + ": nothing to do");
                return false;
            }
            out.println(files.certificate() + " expires " + cert.getNotAfter().toInstant() + " (renewal due since "
                    + due + "): renewing");
        } catch (TlsException | IndexOutOfBoundsException e) {
            out.println(files.certificate() + " is unreadable (" + e.getMessage() + "): requesting a new certificate");
        }
        return true;
    }

    /** The start of the last third of the certificate's lifetime. */
    static Instant renewalTime(X509Certificate cert) {
        Instant from = cert.getNotBefore().toInstant();
        Instant to = cert.getNotAfter().toInstant();
        return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    }

    /** The issued certificate must be for our key and name exactly what was asked for. */
    private X509Certificate check(String certificatePem, CertificateRequest request) throws TlsException, IOException {
        List<X509Certificate> chain = tls.parseCertificates(certificatePem, "the issued certificate");
        X509Certificate cert = chain.get(0);
        try {
            tls.keyManager(certificatePem, request.privateKeyPem(), "the issued certificate");
        } catch (TlsException e) {
            throw new IOException("the issued certificate is not for the key this command generated: " + e.getMessage());
        }
        if (!SubjectNames.soleCommonName(cert.getSubjectX500Principal()).equals(Optional.of(IdentityFiles.USER))) {
            throw new IOException("the issued certificate names " + cert.getSubjectX500Principal().getName() + ", not CN="
                    + IdentityFiles.USER);
        }
        return cert;
    }

    /** The CA the written kubeconfig trusts: the submitting kubeconfig's, as text. */
    private static String caPem(Kubeconfig kc) throws IOException {
        PemSource ca = kc.certificateAuthority();
        if (ca == null) {
            return null;
        }
        return ca.text();
    }
}

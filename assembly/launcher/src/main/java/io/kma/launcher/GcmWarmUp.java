package io.kma.launcher;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has the JIT compile AES-GCM before the first scrapes. Every kubelet body arrives in TLS records
 * (TLS_AES_256_GCM_SHA384, the JDK's first TLS 1.3 suite, which the kubelets choose), and until C2 has compiled
 * {@code GHASH.processBlocks} with its intrinsic each record's tag is computed in interpreted or C1 code, several
 * times slower: at a cold start of thousands of nodes that is when the most records arrive. {@link #RECORDS}
 * records of {@link #RECORD_BYTES} bytes, decrypted as the TLS engine does (a cipher initialised per record, heap
 * ByteBuffers), cost a fraction of a CPU second on a daemon thread while the framework starts (its Java priority
 * is the lowest, but HotSpot on Linux ignores thread priorities: it competes with the start as an equal, for a
 * bounded time). Bounded; logs nothing unless the JVM lacks the cipher (then it has nothing to warm anyway).
 */
final class GcmWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(GcmWarmUp.class);

    static final int RECORDS = 12_000;
    static final int RECORD_BYTES = 4096;
    private static final int TAG_BITS = 128;

    private GcmWarmUp() {
    }

    /** Starts the warm-up on its own daemon thread and returns that thread. */
    static Thread startInBackground() {
        Thread thread = new Thread(() -> run(RECORDS), "kma-gcm-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return thread;
    }

    /** Decrypts {@code records} records; returns how many decrypted to the plaintext (all, unless the JVM fails). */
    static int run(int records) {
        try {
            SecureRandom random = new SecureRandom();
            byte[] keyBytes = new byte[32];
            byte[] nonce = new byte[12];
            random.nextBytes(keyBytes);
            random.nextBytes(nonce);
            SecretKeySpec key = new SecretKeySpec(keyBytes, "AES");
            byte[] plain = new byte[RECORD_BYTES];
            random.nextBytes(plain);
            byte[] aad = new byte[5]; // a TLS 1.3 record header
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plain);
            ByteBuffer in = ByteBuffer.allocate(sealed.length);
            ByteBuffer out = ByteBuffer.allocate(RECORD_BYTES);
            int ok = 0;
            for (int i = 0; i < records; i++) {
                // decryption may reuse a nonce (only encryption refuses to): one sealed record serves every round
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
                cipher.updateAAD(aad);
                in.clear();
                in.put(sealed).flip();
                out.clear();
                cipher.doFinal(in, out);
                if (out.position() == RECORD_BYTES && out.get(RECORD_BYTES - 1) == plain[RECORD_BYTES - 1]) {
                    ok++;
                }
            }
            return ok;
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.debug("AES-GCM warm-up skipped: {}", e.toString());
            return 0;
        }
    }
}

package io.kma.kube.client.internal;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Shares equal immutable values (namespace names, label keys and values, whole label maps): the pods of
 * one ReplicaSet carry identical labels, so 350,000 pods hold a few thousand distinct maps. Weak, so
 * values no pod uses any more are collected.
 */
final class Interner {

    private final Map<Object, WeakReference<Object>> values = new WeakHashMap<>();

    @SuppressWarnings("unchecked")
    synchronized <T> T intern(T value) {
        if (value == null) {
            return null;
        }
        WeakReference<Object> ref = values.get(value);
        Object existing = ref == null ? null : ref.get();
        if (existing != null) {
            return (T) existing;
        }
        values.put(value, new WeakReference<>(value));
        return value;
    }

    synchronized int size() {
        return values.size();
    }
}

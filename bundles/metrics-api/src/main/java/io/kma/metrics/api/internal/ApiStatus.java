package io.kma.metrics.api.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A failure as kube-apiserver writes it: a {@code metav1.Status} with apimachinery's messages and details
 * (apimachinery {@code errors.New*}). Fields empty in Go are omitted as Go's omitempty does.
 *
 * @param details false when Go leaves {@code details} nil (BadRequest, ServiceUnavailable, Unauthorized)
 * @param cause   message of a single {@code UnexpectedServerResponse} cause, or null
 */
record ApiStatus(int code, String reason, String message, boolean details, String name, String group, String kind,
        String cause) {

    static ApiStatus notFound(String group, String resource, String name) {
        String qualified = group.isEmpty() ? resource : resource + "." + group;
        return new ApiStatus(404, "NotFound", qualified + " \"" + name + "\" not found", true, name, group, resource, null);
    }

    static ApiStatus badRequest(String message) {
        return new ApiStatus(400, "BadRequest", message, false, "", "", "", null);
    }

    static ApiStatus unauthorized() {
        return new ApiStatus(401, "Unauthorized", "Unauthorized", false, "", "", "", null);
    }

    static ApiStatus forbidden(String group, String resource, String name, String message) {
        String qualified = resource.isEmpty() ? "" : (group.isEmpty() ? resource : resource + "." + group);
        String full;
        if (qualified.isEmpty()) {
            full = "forbidden: " + message;
        } else if (name.isEmpty()) {
            full = qualified + " is forbidden: " + message;
        } else {
            full = qualified + " \"" + name + "\" is forbidden: " + message;
        }
        return new ApiStatus(403, "Forbidden", full, true, name, group, resource, null);
    }

    /** {@code errors.NewMethodNotSupported}, as for watch on a resource without Watch. */
    static ApiStatus methodNotSupported(String group, String resource, String action) {
        return new ApiStatus(405, "MethodNotAllowed", action + " is not supported on resources of kind \""
                + resource + "." + group + "\"", true, "", group, resource, null);
    }

    /** What go-restful's 405 becomes through kube-apiserver's service error handler. */
    static ApiStatus methodNotAllowed() {
        return new ApiStatus(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
                true, "", "", "", "405: Method Not Allowed");
    }

    static ApiStatus serviceUnavailable(String message) {
        return new ApiStatus(503, "ServiceUnavailable", message, false, "", "", "", null);
    }

    static ApiStatus internalError(String message) {
        return new ApiStatus(500, "InternalError", "Internal error occurred: " + message, false, "", "", "", null);
    }

    void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "Status");
        g.writeStringField("apiVersion", "v1");
        g.writeObjectFieldStart("metadata");
        g.writeEndObject();
        g.writeStringField("status", "Failure");
        if (!message.isEmpty()) {
            g.writeStringField("message", message);
        }
        if (!reason.isEmpty()) {
            g.writeStringField("reason", reason);
        }
        if (details) {
            g.writeObjectFieldStart("details");
            if (!name.isEmpty()) {
                g.writeStringField("name", name);
            }
            if (!group.isEmpty()) {
                g.writeStringField("group", group);
            }
            if (!kind.isEmpty()) {
                g.writeStringField("kind", kind);
            }
            if (cause != null) {
                g.writeArrayFieldStart("causes");
                g.writeStartObject();
                g.writeStringField("reason", "UnexpectedServerResponse");
                g.writeStringField("message", cause);
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeNumberField("code", code);
        g.writeEndObject();
    }
}

package io.kma.scraper.internal;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads the kubelet's {@code /stats/summary} JSON (kubelets older than 1.18 have no
 * {@code /metrics/resource}) with Jackson's streaming parser, keeping only what the resource
 * metrics carry: node and container CPU core-nanoseconds, working set, their {@code time} fields and
 * container start times. Everything else (network, fs, volumes, ...) is skipped without building
 * objects. The same completeness rules apply, through {@link NodeScrapeAssembler}.
 */
final class SummaryParser {

    private final JsonFactory json;
    private final Interner interner;

    SummaryParser(JsonFactory json, Interner interner) {
        this.json = json;
        this.interner = interner;
    }

    void parse(byte[] body, int length, NodeScrapeAssembler out) throws MalformedMetricsException {
        try (JsonParser p = json.createParser(body, 0, length)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "summary");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("node".equals(field) && t == JsonToken.START_OBJECT) {
                    node(p, out);
                } else if ("pods".equals(field) && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        pod(p, out);
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new MalformedMetricsException("invalid summary JSON: " + firstLine(e.getMessage()));
        }
    }

    private static void node(JsonParser p, NodeScrapeAssembler out) throws IOException, MalformedMetricsException {
        long[] cpu = null;
        long[] mem = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if ("cpu".equals(field) && t == JsonToken.START_OBJECT) {
                cpu = usage(p, "usageCoreNanoSeconds");
            } else if ("memory".equals(field) && t == JsonToken.START_OBJECT) {
                mem = usage(p, "workingSetBytes");
            } else {
                p.skipChildren();
            }
        }
        // the later of the two times stamps the point, as "last sample parsed wins" does for the text format
        if (cpu != null) {
            out.nodeCpu(cpu[0], cpu[1]);
        }
        if (mem != null) {
            out.nodeMemory(mem[0], mem[1]);
        }
        if (cpu != null && mem != null && cpu[1] > mem[1]) {
            out.nodeCpu(cpu[0], cpu[1]);
        }
    }

    private void pod(JsonParser p, NodeScrapeAssembler out) throws IOException, MalformedMetricsException {
        String namespace = null;
        String name = null;
        // containers may come before podRef in the object; buffer them only in that unusual case
        java.util.List<Object[]> pending = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if ("podRef".equals(field) && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    p.nextToken();
                    if ("name".equals(f)) {
                        name = intern(p);
                    } else if ("namespace".equals(f)) {
                        namespace = intern(p);
                    } else {
                        p.skipChildren();
                    }
                }
            } else if ("containers".equals(field) && t == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    Object[] c = container(p);
                    if (namespace != null && name != null) {
                        emit(namespace, name, c, out);
                    } else {
                        if (pending == null) {
                            pending = new java.util.ArrayList<>();
                        }
                        pending.add(c);
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (pending != null && namespace != null && name != null) {
            for (Object[] c : pending) {
                emit(namespace, name, c, out);
            }
        }
    }

    private static void emit(String namespace, String pod, Object[] c, NodeScrapeAssembler out) {
        String container = (String) c[0];
        if (container == null) {
            return;
        }
        long[] cpu = (long[]) c[1];
        long[] mem = (long[]) c[2];
        long start = (Long) c[3];
        if (cpu != null) {
            out.containerCpu(namespace, pod, container, cpu[0], cpu[1]);
        }
        if (mem != null) {
            out.containerMemory(namespace, pod, container, mem[0], mem[1]);
        }
        if (cpu != null && mem != null && cpu[1] > mem[1]) {
            out.containerCpu(namespace, pod, container, cpu[0], cpu[1]);
        }
        if (start != 0) {
            out.containerStart(namespace, pod, container, start);
        }
    }

    /** {name, cpu {value, time}, memory {value, time}, startNanos}. */
    private Object[] container(JsonParser p) throws IOException, MalformedMetricsException {
        Object[] c = {null, null, null, 0L};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if ("name".equals(field)) {
                c[0] = intern(p);
            } else if ("startTime".equals(field) && t == JsonToken.VALUE_STRING) {
                c[3] = time(p.getText());
            } else if ("cpu".equals(field) && t == JsonToken.START_OBJECT) {
                c[1] = usage(p, "usageCoreNanoSeconds");
            } else if ("memory".equals(field) && t == JsonToken.START_OBJECT) {
                c[2] = usage(p, "workingSetBytes");
            } else {
                p.skipChildren();
            }
        }
        return c;
    }

    /** {value, timeNanos} of an object with {@code time} and the given value field; null when no value. */
    private static long[] usage(JsonParser p, String valueField) throws IOException, MalformedMetricsException {
        long value = -1;
        long time = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (valueField.equals(field) && t == JsonToken.VALUE_NUMBER_INT) {
                value = p.getLongValue();
                if (value < 0) {
                    throw new MalformedMetricsException("negative " + valueField + " in summary JSON");
                }
            } else if ("time".equals(field) && t == JsonToken.VALUE_STRING) {
                time = time(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return value < 0 ? null : new long[] {value, time};
    }

    private String intern(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return null;
        }
        byte[] raw = p.getText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return interner.intern(raw, 0, raw.length);
    }

    private static long time(String rfc3339) throws MalformedMetricsException {
        try {
            Instant i = Instant.parse(rfc3339);
            // before 1970 or after 2262-04-11 the nanoseconds would be negative or wrap around
            if (i.getEpochSecond() < 0 || i.getEpochSecond() >= Long.MAX_VALUE / 1_000_000_000L) {
                throw new MalformedMetricsException("time " + quoted(rfc3339) + " in summary JSON is out of range"
                        + " (1970-01-01 to 2262-04-11)");
            }
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            throw new MalformedMetricsException("invalid time " + quoted(rfc3339) + " in summary JSON");
        }
    }

    /** The kubelet's text, cut short: a hostile kubelet must not fill the log through our error message. */
    private static String quoted(String s) {
        return "\"" + (s.length() <= 64 ? s : s.substring(0, 64) + "…") + "\"";
    }

    private static void expect(JsonParser p, JsonToken have, JsonToken want, String what) throws MalformedMetricsException {
        if (have != want) {
            throw new MalformedMetricsException("invalid summary JSON: expected " + what + " object, found " + have);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

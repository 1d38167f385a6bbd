package io.tokenmeter.platform.kafka;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Carries the W3C trace context ({@code traceparent}) from consumed records to those sent in their
 * trace, directly or across the outbox. Through the outbox, the change's {@code traceparent} is
 * stored with its row, and the relay sends the row inside that context, so the template's
 * observation writes a {@code traceparent} header of the same trace onto the published record.
 */
public class TraceParents {

    /** The W3C header, on records as on HTTP requests. */
    public static final String HEADER = "traceparent";

    /**
     * The longest {@code traceparent} read from a record, in bytes: W3C's version 00 takes 55,
     * later versions may append fields. A longer value is no trace context: it is neither continued
     * nor copied onto the records sent in its trace, whose size it would inflate.
     */
    static final int MAX_BYTES = 256;

    private final Tracer tracer;
    private final Propagator propagator;

    public TraceParents(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The {@code traceparent} a consumed record was sent in; null if none (or overlong). */
    public static String of(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(HEADER);
        byte[] value = header == null ? null : header.value();
        return value == null || value.length > MAX_BYTES
                ? null
                : new String(value, StandardCharsets.US_ASCII);
    }

    /** The current span's {@code traceparent} (the consumed event's trace), or null outside one. */
    public String current() {
        Span span = tracer.currentSpan();
        if (span == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.get(HEADER);
    }

    /** Runs {@code send} in a span continuing {@code traceParent}; as is when there is none. */
    public <T> T continuing(String traceParent, String name, Supplier<T> send) {
        if (traceParent == null) {
            return send.get();
        }
        Span span =
                propagator
                        .extract(traceParent, (value, key) -> HEADER.equals(key) ? value : null)
                        .name(name)
                        .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return send.get();
        } finally {
            span.end();
        }
    }
}

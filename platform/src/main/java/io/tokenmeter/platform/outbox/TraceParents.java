package io.tokenmeter.platform.outbox;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Carries the W3C trace context across the outbox: the change's {@code traceparent} is stored with
 * its row, and the relay sends the row inside that context, so the template's observation writes a
 * {@code traceparent} header of the same trace onto the published record.
 */
public class TraceParents {

    /** The W3C header, on records as on HTTP requests. */
    public static final String HEADER = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    public TraceParents(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
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

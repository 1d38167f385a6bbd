-- The W3C traceparent of the change (the consumed Stripe event's trace), continued by the relay in
-- the published record's header. Null for rows written outside a trace.
ALTER TABLE subscription_state_outbox ADD COLUMN trace_parent text;

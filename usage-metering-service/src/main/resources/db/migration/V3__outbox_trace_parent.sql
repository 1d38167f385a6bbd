-- The W3C traceparent a record continues: a session cost carries its SessionCompleted delivery's,
-- set by the relay as the record's header. Null when there is none (and for usage states and
-- threshold crossings, which aggregate many sessions).
alter table outbox add column trace_parent text;

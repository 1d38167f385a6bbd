-- Metering publishes a batch's records in its Kafka transaction, after the database transaction
-- that counted the batch. If that Kafka transaction never commits, the batch is delivered again and
-- finds its sessions already in the ledger; these columns tell it which records to publish again.

-- Where the record that counted a session was consumed (grading.session-completed.v1's partition
-- and offset). Null for rows counted before this migration, which are never published again.
alter table session_ledger
    add column delivered_partition int,
    add column delivered_offset bigint;

-- Per partition of grading.session-completed.v1: every record below this offset has had its
-- batch's Kafka transaction committed, so nothing below it is published again, even when a rewind
-- delivers it again.
create table delivery_committed (
    partition  int primary key,
    below      bigint not null
);

-- The session whose counting announced a crossing: the crossing is announced again with it.
-- Null for crossings announced by subscription states (those go through the outbox).
alter table usage_threshold add column cause_session_id text;

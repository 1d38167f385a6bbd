-- Subscription states are announced in their listener's Kafka transaction, as session batches are,
-- instead of through the outbox and its relay: the outbox goes.
drop table outbox;
drop table outbox_epoch;
drop table installation;

-- Where the record that kept a state was consumed (billing.subscription-state.v1's partition and
-- offset), to tell its redelivery, which announces the state's effects again, from a duplicate.
-- Null for states kept before this migration, which are never announced again.
alter table subscription_change
    add column delivered_partition int,
    add column delivered_offset bigint;

-- The marks of both inputs: SESSIONS (grading.session-completed.v1) and SUBSCRIPTION_STATES.
alter table delivery_committed add column input text not null default 'SESSIONS';
alter table delivery_committed alter column input drop default;
alter table delivery_committed drop constraint delivery_committed_pkey;
alter table delivery_committed add primary key (input, partition);

-- The state record (its partition@offset) whose effects announced a crossing: announced again
-- with it. Null for crossings caused by sessions (cause_session_id) or announced before this
-- migration.
alter table usage_threshold add column cause_state_record text;

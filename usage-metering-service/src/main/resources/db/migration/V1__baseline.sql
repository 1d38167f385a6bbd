-- The metering schema. Every table is keyed so that replays and redeliveries are no-ops.

-- Identifies this database for the outbox relay: its Kafka transactional id and the consumer
-- group in which it records how far it has relayed are derived from it, so two deployments (or
-- two test databases) on one broker never fence each other or read each other's progress.
create table installation (
    id          text primary key default gen_random_uuid()::text,
    created_at  timestamptz not null default now()
);
insert into installation default values;

-- One row per counted grading session: the exactly-once ledger. Its primary key is the dedupe
-- key (CONTRACT rule 1); totals are always the sum of this table per billing bucket.
create table session_ledger (
    session_id    text primary key,
    user_id       text not null,
    completed_at  timestamptz not null,
    tokens        bigint not null check (tokens >= 0)
);
-- Recomputing one user's totals when their billing periods change.
create index session_ledger_user on session_ledger (user_id, completed_at);

-- Every distinct subscription state received, kept so that billing periods can be derived from
-- the whole set, whatever order the states arrived in.
create table subscription_change (
    user_id               text not null,
    tier                  text not null,
    status                text not null,
    period_start          timestamptz,
    period_end            timestamptz,
    stripe_event_created  timestamptz not null,
    updated_at            timestamptz not null,
    constraint subscription_change_distinct unique nulls not distinct
        (user_id, stripe_event_created, updated_at, tier, status, period_start, period_end)
);

-- The stretches of time a paid billing period covers, derived from subscription_change and
-- never overlapping for one user. Time not covered is FREE time.
create table billing_segment (
    user_id        text not null,
    segment_start  timestamptz not null,
    segment_end    timestamptz not null,
    period_start   timestamptz not null,
    tier           text not null,
    primary key (user_id, segment_start)
);

-- The plan a user is on now: the latest subscription state.
create table user_plan (
    user_id       text primary key,
    tier          text not null,
    period_start  timestamptz,
    period_end    timestamptz,
    -- the bucket the current usage is counted in: period_start, or '-infinity' for FREE
    bucket        timestamptz not null
);

-- Tokens per user and bucket. A bucket is a paid billing period (keyed by its start) or,
-- at period_start = '-infinity', the user's lifetime FREE allowance.
create table usage_total (
    user_id       text not null,
    period_start  timestamptz not null,
    tier          text not null,
    tokens        bigint not null,
    primary key (user_id, period_start)
);

-- Threshold events already emitted: at most one per user, bucket and threshold, ever.
create table usage_threshold (
    user_id            text not null,
    period_start       timestamptz not null,
    threshold_percent  int not null,
    tokens_used        bigint not null,
    token_limit        bigint not null,
    crossed_at         timestamptz not null,
    primary key (user_id, period_start, threshold_percent)
);

-- Transactional outbox: records to publish, written in the transaction that produced them and
-- relayed to Kafka in id order. Writers take an advisory lock before inserting, so ids are
-- assigned in commit order and the relay can keep a simple high-water mark.
create table outbox (
    id           bigserial primary key,
    topic        text not null,
    message_key  text not null,
    payload      bytea not null
);

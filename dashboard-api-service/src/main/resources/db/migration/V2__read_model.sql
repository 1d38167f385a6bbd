-- The dashboard's read model, joined from billing.subscription-state.v1, billing.usage-state.v1
-- and billing.session-cost.v1. Every row can be rebuilt by replaying those topics.

-- One row per user: the newest subscription state (by last_stripe_event_created, then updated_at).
CREATE TABLE subscription_state (
    user_id                   text        PRIMARY KEY,
    tier                      text        NOT NULL,
    status                    text        NOT NULL,
    period_start              timestamptz,
    period_end                timestamptz,
    payment_failed            boolean     NOT NULL,
    updated_at                timestamptz NOT NULL,
    last_stripe_event_created timestamptz NOT NULL
);

-- One row per user and usage bucket: 'free' (the lifetime allowance) or a paid period's start in
-- epoch milliseconds. The newest state per bucket (by updated_at, then tokens_used) wins.
CREATE TABLE usage_state (
    user_id      text        NOT NULL,
    bucket       text        NOT NULL,
    tier         text        NOT NULL,
    period_start timestamptz,
    period_end   timestamptz,
    tokens_used  bigint      NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, bucket)
);

-- One row per priced session; money kept as the exact decimal strings the metering service sent.
CREATE TABLE session_cost (
    session_id          text        PRIMARY KEY,
    user_id             text        NOT NULL,
    completed_at        timestamptz NOT NULL,
    total_tokens        bigint      NOT NULL,
    phases              jsonb       NOT NULL,
    prompt_cost_usd     text        NOT NULL,
    completion_cost_usd text        NOT NULL,
    cached_cost_usd     text        NOT NULL,
    total_cost_usd      text        NOT NULL,
    cached_savings_usd  text        NOT NULL
);

CREATE INDEX session_cost_recent_by_user ON session_cost (user_id, completed_at DESC, session_id);

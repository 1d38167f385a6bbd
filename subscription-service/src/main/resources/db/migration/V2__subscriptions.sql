-- A user's subscription as the Stripe events describe it (the aggregate; JPA, optimistic lock).
CREATE TABLE user_subscription (
    user_id                 text PRIMARY KEY,
    tier                    text        NOT NULL,
    status                  text        NOT NULL,
    stripe_customer_id      text,
    stripe_subscription_id  text,
    period_start            timestamptz,
    period_end              timestamptz,
    payment_failed          boolean     NOT NULL,
    last_event_created      timestamptz,
    last_fact_created       timestamptz,
    last_fact_kind          text,
    last_fact_event_id      text,
    updated_at              timestamptz NOT NULL,
    version                 bigint      NOT NULL
);

-- Every Stripe event id handled, written in the transaction of its effect: a redelivery is a no-op.
CREATE TABLE processed_stripe_event (
    event_id      text PRIMARY KEY,
    processed_at  timestamptz NOT NULL
);

-- The facts each user's state is folded from; owner_user_id is null while a fact is parked
-- (no linking event has named its user yet).
CREATE TABLE stripe_fact (
    event_id         text PRIMARY KEY,
    owner_user_id    text,
    kind             text        NOT NULL,
    created          timestamptz NOT NULL,
    identity         text        NOT NULL,
    subscription_id  text,
    customer_id      text,
    user_id          text,
    invoice_id       text,
    status           text,
    price_id         text,
    period_start     timestamptz,
    period_end       timestamptz
);
CREATE INDEX stripe_fact_owner ON stripe_fact (owner_user_id, identity);
CREATE INDEX stripe_fact_parked_subscription ON stripe_fact (subscription_id) WHERE owner_user_id IS NULL;
CREATE INDEX stripe_fact_parked_customer ON stripe_fact (customer_id) WHERE owner_user_id IS NULL;

-- Which user a Stripe subscription or customer id belongs to (first linking event wins).
CREATE TABLE stripe_link (
    stripe_id  text PRIMARY KEY,
    user_id    text NOT NULL
);

-- Transactional outbox of SubscriptionState records, relayed to billing.subscription-state.v1
-- in id order (per user, ids follow commit order: a user's changes are serialized).
CREATE TABLE subscription_state_outbox (
    id          bigserial PRIMARY KEY,
    user_id     text        NOT NULL,
    payload     bytea       NOT NULL,
    created_at  timestamptz NOT NULL
);

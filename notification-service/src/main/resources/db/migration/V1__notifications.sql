-- The notification service's schema ('notification', created by Flyway).

-- The latest subscription state seen per user: the "before" of the next change, and the renewal
-- date and tier quoted in the 100 % mail.
CREATE TABLE subscription_states (
    user_id                   text PRIMARY KEY,
    tier                      text        NOT NULL,
    status                    text        NOT NULL,
    payment_failed            boolean     NOT NULL,
    period_start              timestamptz,
    period_end                timestamptz,
    updated_at                timestamptz NOT NULL,
    last_stripe_event_created timestamptz NOT NULL,
    version                   bigint      NOT NULL DEFAULT 0,
    stripe_customer_id        text
);

CREATE INDEX subscription_states_customer ON subscription_states (stripe_customer_id);

-- The durable outbox: one row per notification and channel, unique per cause, written in the
-- consumer's transaction; delivery works from it.
CREATE TABLE deliveries (
    seq             bigserial PRIMARY KEY,
    notification_id text        NOT NULL,
    channel         text        NOT NULL,
    user_id         text        NOT NULL,
    kind            text        NOT NULL,
    cause           jsonb       NOT NULL,
    occurred_at     timestamptz NOT NULL,
    queued_at       timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    finished_at     timestamptz,
    last_error      text,
    CONSTRAINT deliveries_once_per_cause UNIQUE (notification_id, channel)
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at, seq) WHERE status = 'PENDING';
-- The head of each user's queue per channel: delivery keeps a user's notifications in order.
CREATE INDEX deliveries_user_queue ON deliveries (user_id, channel, seq) WHERE status = 'PENDING';
CREATE INDEX deliveries_failed ON deliveries (finished_at) WHERE status = 'FAILED';

-- Where a user's emails go: set by the app (PUT .../contacts/{user_id}); a deleted contact keeps
-- its row with no address, so that nothing fills it again behind the app's back.
CREATE TABLE contacts (
    user_id    text PRIMARY KEY,
    email      text,
    locale     text,
    updated_at timestamptz NOT NULL
);

-- Addresses Stripe gave for a user (checkout's customer_details.email, or an invoice carrying the
-- user id in its subscription's metadata) or for a customer (invoice customer_email, customer
-- email); the newest Stripe event wins. Used when the app set no contact.
CREATE TABLE stripe_user_emails (
    user_id       text PRIMARY KEY,
    email         text        NOT NULL,
    event_created timestamptz NOT NULL
);

CREATE TABLE stripe_customer_emails (
    customer_id   text PRIMARY KEY,
    email         text        NOT NULL,
    event_created timestamptz NOT NULL
);

-- Users who unsubscribed from emails (RFC 8058 one-click); webhooks are not affected.
CREATE TABLE unsubscribed (
    user_id         text PRIMARY KEY,
    unsubscribed_at timestamptz NOT NULL
);

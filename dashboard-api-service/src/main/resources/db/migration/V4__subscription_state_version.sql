-- The subscription service's ordering key (SubscriptionState.version): the state with the highest
-- version is the newest. 0 for states published before versions existed; those order among
-- themselves by last_stripe_event_created, then updated_at, as before.
ALTER TABLE subscription_state ADD COLUMN version bigint NOT NULL DEFAULT 0;

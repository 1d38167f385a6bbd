-- The subscription service's ordering key (SubscriptionState.version): of a user's states, the one
-- with the highest version is the latest. 0 for states published before versions existed.
alter table subscription_change add column version bigint not null default 0;
alter table subscription_change drop constraint subscription_change_distinct;
alter table subscription_change add constraint subscription_change_distinct unique nulls not distinct
    (user_id, version, stripe_event_created, updated_at, tier, status, period_start, period_end);

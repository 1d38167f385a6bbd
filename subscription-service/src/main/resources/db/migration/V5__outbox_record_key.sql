-- The outbox is relayed by platform's OutboxRelay, which names the Kafka key column generically.
ALTER TABLE subscription_state_outbox RENAME COLUMN user_id TO record_key;

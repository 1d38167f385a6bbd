-- The limit the metering service reported with the usage (UsageState.limit): the status answers
-- with it rather than a table of its own. Null for rows from before, answered with the tier's.
ALTER TABLE usage_state ADD COLUMN token_limit bigint;

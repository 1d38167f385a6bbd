-- The rebuild epoch: milliseconds from 2020-01-01 to the moment this schema was created. A full
-- `ops replay` drops the schema, so the rebuilt service starts a later epoch, and every
-- SubscriptionState version it publishes (epoch in the high 41 bits, the row's version in the low
-- 22) sorts after those published before the rebuild.
CREATE TABLE rebuild_epoch (
    epoch_millis  bigint NOT NULL CHECK (epoch_millis > 0 AND epoch_millis < 2199023255552)
);
INSERT INTO rebuild_epoch (epoch_millis)
VALUES (floor(1000 * extract(epoch FROM clock_timestamp() - timestamptz '2020-01-01 00:00:00+00'))::bigint);

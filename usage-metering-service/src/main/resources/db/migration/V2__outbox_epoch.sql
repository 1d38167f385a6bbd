-- Which incarnation of this schema the relay's progress (kept in Kafka as a committed offset)
-- belongs to. A schema dropped and rebuilt by `ops replay --from earliest` restarts outbox ids at 1
-- under a new epoch, so progress recorded against the old schema is not mistaken for relayed rows
-- of the new one.
create table outbox_epoch (epoch text primary key);
insert into outbox_epoch values (gen_random_uuid()::text);

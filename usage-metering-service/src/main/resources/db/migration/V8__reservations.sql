-- Holds the grading pipeline takes on a user's quota before it grades (CONTRACT §3.5). A hold
-- counts against the quota until its session is metered (settled, in the metering transaction),
-- it is released, or expires_at passes (reads ignore it from then on; a sweeper deletes it later).
create table reservation (
    session_id  text collate "C" primary key,
    user_id     text collate "C" not null,
    tokens      bigint not null check (tokens > 0),
    expires_at  timestamptz not null,
    created_at  timestamptz not null
);
-- A user's live holds, summed at every admission and quota read.
create index reservation_by_user on reservation (user_id, expires_at) include (tokens);
-- The sweeper's scan.
create index reservation_by_expiry on reservation (expires_at);

-- One row per user who ever reserved, created once and never deleted. Admission locks it (FOR
-- UPDATE) so that one user's admissions run one at a time, on any instance; a metering batch locks
-- the rows of its users before it settles their holds, so that a hold taken for a session while
-- that session is being metered is either settled by that batch or refused as already settled.
-- Users without a row have no holds: metering skips them.
create table reservation_user (
    user_id  text collate "C" primary key
);

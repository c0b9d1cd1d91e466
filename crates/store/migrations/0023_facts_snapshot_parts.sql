-- The kept facts' snapshot (migration 0020) in parts (issue 17, crates/store/src/facts_kept/snapshot.rs):
-- the payments and the withdrawals, most of a city's snapshot, each in a row of its own, so that
-- each is read on a connection of its own and decoded as soon as it is read. Each part carries
-- the generation of the head row (`facts_snapshot`) it was written with, so parts of different
-- snapshots are never mixed. Derived data only, like the head: never shipped, ignored whenever
-- it does not fit.
CREATE TABLE facts_snapshot_parts (
    part INTEGER PRIMARY KEY CHECK (part IN (1, 2)),
    body BLOB NOT NULL
) STRICT;

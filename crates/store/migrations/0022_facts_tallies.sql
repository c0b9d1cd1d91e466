-- The dashboard's kept tallies saved between starts (issue 17, crates/store/src/tallies_saved.rs):
-- the accumulators of the last questions asked, with the change record they reflect, so a start
-- with nothing written since answers the dashboard without reading the facts. Derived data only:
-- never shipped, ignored whenever it is of another format, another build, another log position
-- or another question, and rewritten by the next dashboard.
CREATE TABLE facts_tallies (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    format       INTEGER NOT NULL,
    change_rowid INTEGER NOT NULL,
    body         BLOB NOT NULL
) STRICT;

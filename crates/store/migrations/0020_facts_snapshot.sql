-- The indicator facts kept between starts (issue 17, crates/store/src/facts_kept.rs): a
-- compact snapshot of what the dashboard computes from, and the change record it reflects, so
-- opening a city does not load millions of rows before the first dashboard. Derived data only:
-- never shipped, rebuilt whenever it is missing, of another format, or of another log.
CREATE TABLE facts_snapshot (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    format       INTEGER NOT NULL,
    change_rowid INTEGER NOT NULL,
    body         BLOB NOT NULL
) STRICT;

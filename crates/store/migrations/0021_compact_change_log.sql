-- Issue 17: the change log, compact. It was 73 % of every database: each record held its row
-- again as JSON text, text UUIDs, hex hashes and three indexes (about 1.1 KB a record). The
-- records themselves are unchanged (what a bundle carries, what its hashes cover); only how
-- they are stored here changes (crates/store/src/changes/log.rs):
--   * ids (record, entity, bases) as 16-byte blobs and hashes as 32 bytes, when their text is
--     the canonical form that turns back into exactly the same text; anything else stays text;
--   * the device and the officer as small numbers of a dictionary (`change_names`);
--   * the rows (payloads) of up to 64 records of one write compressed together
--     (`change_blocks`), each record naming its block and its place in it;
--   * the ID numbers people ever carried in a table of their own (`id_number_history`), which
--     replaces the index on the JSON payload of migration 0010.
-- The old table is renamed here and converted by `changes::log::convert` right after the
-- migrations run, in one transaction: until that commits, the old table is the log.

-- A handover's records no longer point at the old table (they are checked by the code that
-- writes them, `handover.rs`): rebuilt without the foreign key before the rename.
CREATE TABLE handover_records_new (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;
INSERT INTO handover_records_new SELECT device_id, seq FROM handover_records;
DROP TABLE handover_records;
ALTER TABLE handover_records_new RENAME TO handover_records;

ALTER TABLE change_log RENAME TO change_log_v1;

CREATE TABLE change_names (
    n    INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE change_blocks (
    n    INTEGER PRIMARY KEY,
    rows BLOB NOT NULL
) STRICT;

CREATE TABLE change_records (
    device         INTEGER NOT NULL REFERENCES change_names (n),
    seq            INTEGER NOT NULL CHECK (seq > 0),
    record_id      ANY NOT NULL UNIQUE,
    entity         TEXT NOT NULL,
    entity_id      ANY NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
    schema_version INTEGER NOT NULL,
    officer        INTEGER NOT NULL REFERENCES change_names (n),
    recorded_at    TEXT NOT NULL,
    block          INTEGER NOT NULL REFERENCES change_blocks (n),
    part           INTEGER NOT NULL CHECK (part >= 0),
    prev_hash      ANY NOT NULL,
    hash           ANY NOT NULL,
    base           ANY NOT NULL,
    PRIMARY KEY (device, seq)
) STRICT;
CREATE INDEX change_records_entity ON change_records (entity, entity_id);

CREATE TABLE id_number_history (
    id_number      TEXT NOT NULL,
    beneficiary_id TEXT NOT NULL,
    PRIMARY KEY (id_number, beneficiary_id)
) STRICT, WITHOUT ROWID;

-- Change records are immutable.
CREATE TRIGGER change_records_no_update BEFORE UPDATE ON change_records
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_records_no_delete BEFORE DELETE ON change_records
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_blocks_no_update BEFORE UPDATE ON change_blocks
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_blocks_no_delete BEFORE DELETE ON change_blocks
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;

-- The records as text, for reading by hand and for counting (the rows themselves are in the
-- compressed blocks: the code reads them, `changes::log`). Not for the code's lookups: a
-- condition on a column here cannot use the indexes.
CREATE VIEW change_log AS
SELECT c.rowid AS rowid,
       d.name AS device_id,
       c.seq,
       CASE WHEN typeof(c.record_id) = 'blob' THEN lower(
            substr(hex(c.record_id), 1, 8) || '-' || substr(hex(c.record_id), 9, 4) || '-' ||
            substr(hex(c.record_id), 13, 4) || '-' || substr(hex(c.record_id), 17, 4) || '-' ||
            substr(hex(c.record_id), 21)) ELSE c.record_id END AS record_id,
       c.entity,
       CASE WHEN typeof(c.entity_id) = 'blob' THEN lower(
            substr(hex(c.entity_id), 1, 8) || '-' || substr(hex(c.entity_id), 9, 4) || '-' ||
            substr(hex(c.entity_id), 13, 4) || '-' || substr(hex(c.entity_id), 17, 4) || '-' ||
            substr(hex(c.entity_id), 21)) ELSE c.entity_id END AS entity_id,
       c.kind,
       c.schema_version,
       o.name AS officer,
       c.recorded_at,
       CASE WHEN typeof(c.prev_hash) = 'blob' THEN lower(hex(c.prev_hash)) ELSE c.prev_hash END AS prev_hash,
       CASE WHEN typeof(c.hash) = 'blob' THEN lower(hex(c.hash)) ELSE c.hash END AS hash
FROM change_records c
JOIN change_names d ON d.n = c.device
JOIN change_names o ON o.n = c.officer;

-- Merging a bundle asks, for each incoming person, which other people ever carried the same
-- ID number in any version (crates/store/src/exchange/merge.rs, hold_id_number). Without an
-- index that read every person's change record per incoming person: a ward's 2,500 people
-- merged into a city desktop read 300,000 records 2,500 times. The expression and the
-- condition match the query's exactly, so SQLite uses this index for it.
CREATE INDEX change_log_beneficiary_id_number
    ON change_log (json_extract(payload, '$.id_number'))
    WHERE entity = 'beneficiary';

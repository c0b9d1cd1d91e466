-- Every export an officer makes (who, what, when): reports, tables. Written in the same
-- transaction as its change record. (A full audit log comes later; this table stays simple.)
CREATE TABLE exports (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('monthly_report_xlsx', 'monthly_report_print', 'table_csv')),
    what           TEXT NOT NULL,              -- e.g. 'indicators', 'by_ward'
    scope          TEXT NOT NULL,              -- ward code, or 'city'
    period         TEXT,                       -- yyyy-mm the report covers
    file_path      TEXT NOT NULL DEFAULT '',   -- empty for a printed page
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL
) STRICT;
CREATE INDEX exports_created ON exports (created_at);

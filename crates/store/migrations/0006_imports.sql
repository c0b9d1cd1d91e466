-- Imports in the app (issue 3, "Field workflows").

-- The column mapping an officer chose for a spreadsheet, remembered per header set: the key is
-- a hash of the accent-folded header list, so the same list exported again maps the same way.
-- A local preference like `settings`: not shipped as change records.
CREATE TABLE import_mappings (
    header_hash TEXT PRIMARY KEY,
    headers     TEXT NOT NULL,   -- JSON array of the folded headers (for people reading the file)
    mapping     TEXT NOT NULL,   -- JSON array: per column, the field name or null
    updated_at  TEXT NOT NULL
) STRICT;

-- (`beneficiaries.duplicate_reason`, set when an import keeps a possible duplicate, comes from 0004.)

-- The bank's / post office's reference of a payment, matched by the reconciliation import.
-- Unique within a cycle; the payment's own id is accepted as a reference too.
ALTER TABLE payments ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX payments_reference ON payments (period, reference) WHERE reference IS NOT NULL;

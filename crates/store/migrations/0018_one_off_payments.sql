-- no-transaction
-- One-off payments (issue 16): a Tết or holiday gift, or arrears, paid through the same
-- channels as the monthly allowance and tracked to cash in hand the same way. A payment carries
-- a label ('' for the monthly allowance, e.g. 'Quà Tết 2026' for a one-off); a person has at most
-- one payment per cycle and label, so the monthly uniqueness stays and a gift can sit beside it.
-- SQLite cannot change a table's UNIQUE constraint in place: the table is rebuilt in one
-- transaction by the SQLite manual's procedure (foreign keys off outside it, so dropping the old
-- table does not cascade to withdrawals), every column in its order and every row as it was, so
-- no reference can break; the store's tests run PRAGMA foreign_key_check on a migrated copy.
-- Accounts say whether they are linked to the person's VNeID (gifts are paid to the linked one).
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

CREATE TABLE payments_new (
    id             TEXT PRIMARY KEY,
    period         TEXT NOT NULL REFERENCES payment_cycles(period),
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id),
    account_id     TEXT REFERENCES accounts(id),
    channel        TEXT NOT NULL CHECK (channel IN ('bank', 'ewallet', 'mobile_money', 'vneid', 'cash')),
    amount_vnd     INTEGER NOT NULL CHECK (amount_vnd > 0),
    status         TEXT NOT NULL CHECK (status IN ('scheduled', 'credited', 'failed', 'reversed')),
    scheduled_on   TEXT,
    credited_on    TEXT,
    failure_reason TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    reference      TEXT,
    label          TEXT NOT NULL DEFAULT '' CHECK (length(label) <= 80 AND label = trim(label)),
    UNIQUE (beneficiary_id, period, label),
    CHECK (status <> 'credited' OR credited_on IS NOT NULL),
    CHECK (status NOT IN ('failed', 'reversed') OR failure_reason <> '')
) STRICT;

INSERT INTO payments_new (id, period, beneficiary_id, account_id, channel, amount_vnd, status, scheduled_on,
                          credited_on, failure_reason, created_at, created_by, created_device, updated_at,
                          updated_by, updated_device, reference, label)
SELECT id, period, beneficiary_id, account_id, channel, amount_vnd, status, scheduled_on,
       credited_on, failure_reason, created_at, created_by, created_device, updated_at,
       updated_by, updated_device, reference, ''
FROM payments ORDER BY rowid;

DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_period ON payments (period);
CREATE UNIQUE INDEX payments_reference ON payments (period, reference) WHERE reference IS NOT NULL;

ALTER TABLE accounts ADD COLUMN vneid_linked INTEGER NOT NULL DEFAULT 0 CHECK (vneid_linked IN (0, 1));

COMMIT;

PRAGMA foreign_keys = ON;

-- A payer's payout report of one cycle (issue 15): the post office's or a bank's / Mobile Money
-- payer's list of who was paid out, on which day. Its rows become ordinary withdrawals (with
-- their own change records); this row says where they came from and, with `complete_to`, that
-- every payout of that payer, for the payments in the report's scope, up to that day is in it:
-- a payment of that scope with no withdrawal by then is known not withdrawn through that day,
-- which is what the time-to-cash figure censors it at (crates/core/src/facts.rs, `checks`).
-- Scope: the cycle `period`, the ward (NULL only on the city desktop: every ward) and the
-- channel the payer pays through (NULL: every channel).
CREATE TABLE payout_reports (
    id             TEXT PRIMARY KEY,
    period         TEXT NOT NULL REFERENCES payment_cycles(period),
    ward_code      TEXT,
    channel        TEXT CHECK (channel IS NULL OR channel IN ('bank', 'ewallet', 'mobile_money', 'vneid', 'cash')),
    payer          TEXT NOT NULL DEFAULT '',   -- as the officer names it: "Bưu điện Ba Đình"
    complete_to    TEXT CHECK (complete_to IS NULL OR complete_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    file_name      TEXT NOT NULL DEFAULT '',
    file_hash      TEXT NOT NULL,              -- SHA-256 of the file's bytes (hex)
    rows           INTEGER NOT NULL CHECK (rows >= 0),
    withdrawals    INTEGER NOT NULL CHECK (withdrawals >= 0),   -- new withdrawals it wrote
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL
) STRICT;
CREATE INDEX payout_reports_period ON payout_reports (period);

-- Enrolment, not trust on first use (issue 13). A desktop accepts bundles, receipts and the
-- city's reference files only from devices an administrator registered from their public-key
-- file (after comparing its fingerprint with the sender by phone). `exchange_peers` keeps the
-- devices whose records arrived (for city mode's read-only rule); this table decides who may
-- send at all.
CREATE TABLE devices (
    device_id   TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('ward', 'city')),
    ward        TEXT NOT NULL DEFAULT '',
    signing_key TEXT NOT NULL UNIQUE CHECK (length(signing_key) = 64),
    recipient   TEXT NOT NULL DEFAULT '',
    enrolled_at TEXT NOT NULL,
    enrolled_by TEXT NOT NULL,
    revoked_at  TEXT,
    CHECK (role = 'city' OR ward <> '')
) STRICT;

-- The last audit-log head each sending device showed in a bundle or receipt, and whether its
-- log still extended what was shown before: a truncated or rewritten log shows here.
CREATE TABLE peer_audit (
    device_id  TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('ok', 'unverified', 'truncated', 'rewritten')),
    detail     TEXT NOT NULL DEFAULT ''
) STRICT;

-- The audit heads this desktop has shown to others: each later bundle carries the hashes its
-- log has now at those entries, so the receiver can tell that nothing before them changed.
CREATE TABLE audit_checkpoints (
    seq     INTEGER PRIMARY KEY,
    sent_at TEXT NOT NULL
) STRICT;

-- The version of the city's reference file last applied here (settings-like, one row).
CREATE TABLE reference_versions (
    issuer      TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    applied_at  TEXT NOT NULL,
    PRIMARY KEY (issuer)
) STRICT;

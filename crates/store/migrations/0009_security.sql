-- Security (issue 6): local accounts and the audit log.

-- Officers, supervisors and administrators of this desktop. Local to the desktop like `settings`
-- and `drafts` (never shipped as change records: password hashes stay here). Every change to a
-- user is written to `audit_log` in the same transaction.
CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'admin')),
    ward_code       TEXT REFERENCES admin_units(code),
    password_hash   TEXT NOT NULL,               -- Argon2id PHC string
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,  -- consecutive failed logins
    locked_until    TEXT,                        -- RFC 3339 UTC; refused before that
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (role <> 'officer' OR ward_code IS NOT NULL)
) STRICT;

-- Append-only and hash-chained: hash = SHA-256 over the previous entry's hash and this entry's
-- fields (crates/store/src/audit.rs), so an edited, deleted or reordered entry breaks the chain
-- (`ansinh audit verify`). The triggers refuse UPDATE and DELETE through SQL.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,   -- username, or '-' before anyone signed in
    action    TEXT NOT NULL,   -- login.ok, login.failed, user.create, user.update, beneficiary.update, export, reveal…
    entity    TEXT,
    entity_id TEXT,
    details   TEXT NOT NULL,   -- JSON: old/new values of sensitive fields, export scope…
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Data-subject rights: the legal basis (or consent) on which each person's data is held.
ALTER TABLE beneficiaries ADD COLUMN legal_basis TEXT;

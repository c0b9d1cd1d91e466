-- Offline exchange and city merge (docs/EXCHANGE.md).
-- `base`: the record id(s), comma-separated, of the version a change was made on ('' for a
-- first insert). Two changes on the same base are concurrent: both kept, flagged for review.
ALTER TABLE change_log ADD COLUMN base TEXT NOT NULL DEFAULT '';

-- What needs an officer's decision after a merge. Derived from the change records (a
-- rebuild recreates it), except `status`, which is this desktop's own bookkeeping.
CREATE TABLE review_items (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('conflict', 'money_conflict', 'duplicate_person', 'unique_clash')),
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    other_id  TEXT NOT NULL DEFAULT '',
    sides     TEXT NOT NULL,   -- JSON array: each version with its device, seq and officer
    status    TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    UNIQUE (kind, entity, entity_id, other_id)
) STRICT;

-- Devices whose bundles this desktop has accepted: the first bundle pins the signing key.
CREATE TABLE exchange_peers (
    device_id   TEXT PRIMARY KEY,
    signing_key TEXT NOT NULL,
    ward        TEXT NOT NULL DEFAULT '',
    first_seen  TEXT NOT NULL
) STRICT;

-- Offices this desktop sends bundles to (age X25519 recipients, "age1...").
CREATE TABLE exchange_recipients (
    name      TEXT PRIMARY KEY,
    recipient TEXT NOT NULL
) STRICT;

-- Signed receipts from offices: how far each device's series has arrived there.
CREATE TABLE exchange_receipts (
    office_device TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    acked_seq     INTEGER NOT NULL,
    acked_hash    TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    PRIMARY KEY (office_device, device_id)
) STRICT;

-- Bundles imported here (payload hash), for the history page and replay messages.
CREATE TABLE exchange_imports (
    payload_hash TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL,
    ward         TEXT NOT NULL,
    first_seq    INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    applied      INTEGER NOT NULL,
    imported_at  TEXT NOT NULL
) STRICT;

-- Rows whose parent has not arrived yet (a payment whose person is in a bundle still to
-- come): kept as records, projected as soon as the parent is there. Derived state.
CREATE TABLE exchange_waiting (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
) STRICT;

-- The central series storage (docs/EXCHANGE.md, "Server"): every device's signed change
-- records, append-only, and the device keys pinned on first use. The records are the same
-- rows a desktop's change_log holds; the server projects nothing, desktops merge.
CREATE TABLE devices (
    device_id   TEXT PRIMARY KEY,
    signing_key TEXT NOT NULL,
    ward        TEXT NOT NULL DEFAULT '',
    first_seen  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE change_log (
    device_id      TEXT NOT NULL REFERENCES devices (device_id),
    seq            BIGINT NOT NULL CHECK (seq > 0),
    record_id      TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    schema_version BIGINT NOT NULL,
    officer        TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    payload        TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    base           TEXT NOT NULL DEFAULT '',
    received_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, seq)
);

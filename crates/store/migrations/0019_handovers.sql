-- A person's file handed over by the city office to the new commune's desktop after the old
-- commune's stop (moved) (issue 16: a move between two ward desktops). The records it carried
-- come from other devices' series, partial on purpose: `handover_records` names them, so the
-- chain check verifies each one's own hash instead of its place in a series it does not hold.
CREATE TABLE handovers (
    payload_hash   TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id),
    from_ward      TEXT NOT NULL,
    to_ward        TEXT NOT NULL,
    issuer_device  TEXT NOT NULL,
    records        INTEGER NOT NULL CHECK (records > 0),
    received_at    TEXT NOT NULL
) STRICT;
CREATE INDEX handovers_beneficiary ON handovers (beneficiary_id);

CREATE TABLE handover_records (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq),
    FOREIGN KEY (device_id, seq) REFERENCES change_log (device_id, seq)
) STRICT;

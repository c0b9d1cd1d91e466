-- Benefit decisions (issue 16; Decree 147/2025: the commune chair decides to start, change or
-- stop a monthly allowance, which runs from the month of the decision). A person's decisions
-- say which benefits are in force in each cycle (crates/core/src/decisions.rs). They travel as
-- change records; a ward sends only its own commune's decisions.
CREATE TABLE benefit_decisions (
    id             TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id),
    ward_code      TEXT NOT NULL REFERENCES admin_units(code),   -- the commune deciding
    number         TEXT NOT NULL CHECK (number <> ''),           -- "125/QĐ-UBND"
    decided_on     TEXT NOT NULL CHECK (decided_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    kind           TEXT NOT NULL CHECK (kind IN ('start', 'change', 'stop')),
    group_code     TEXT REFERENCES allowance_groups(code),
    from_period    TEXT NOT NULL CHECK (from_period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    reason         TEXT CHECK (reason IS NULL OR reason IN ('death', 'moved', 'not_eligible', 'switched_programme')),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    CHECK (kind = 'stop' OR group_code IS NOT NULL),
    CHECK ((kind = 'stop') = (reason IS NOT NULL))
) STRICT;
CREATE INDEX benefit_decisions_beneficiary ON benefit_decisions (beneficiary_id, from_period);

-- The decision form keeps a draft like every form: `drafts.form` gains 'decision' (the table is
-- rebuilt as in 0013; drafts are local, nothing refers to them).
CREATE TABLE drafts_new (
    form       TEXT NOT NULL CHECK (form IN ('beneficiary', 'beneficiary_edit', 'account', 'payment', 'withdrawal',
                                             'contact', 'grievance', 'grievance_update', 'verification',
                                             'signed_list', 'decision')),
    subject    TEXT NOT NULL,
    payload    TEXT NOT NULL CHECK (json_valid(payload)),
    person_id  TEXT NOT NULL DEFAULT '',
    label      TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (form, subject)
) STRICT;
INSERT INTO drafts_new (form, subject, payload, person_id, label, updated_at)
    SELECT form, subject, payload, person_id, label, updated_at FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_new RENAME TO drafts;

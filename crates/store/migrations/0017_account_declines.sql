-- A person who does not register an account confirms it with a specific reason (Hà Nội's
-- instruction of January 2024; issue 16). Dated, per person; the latest is the one in force.
-- Travels as change records about a person of the sender's ward.
CREATE TABLE account_declines (
    id             TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id),
    reason         TEXT NOT NULL CHECK (reason IN ('no_smartphone', 'prefers_cash', 'cannot_travel', 'no_id_document',
                                                   'bedridden', 'other')),
    confirmed_on   TEXT NOT NULL CHECK (confirmed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    CHECK (reason <> 'other' OR note <> '')
) STRICT;
CREATE INDEX account_declines_beneficiary ON account_declines (beneficiary_id, confirmed_on);

-- Its form keeps a draft like every form: `drafts.form` gains 'account_decline' (rebuilt as in
-- 0013 and 0016; drafts are local, nothing refers to them).
CREATE TABLE drafts_new (
    form       TEXT NOT NULL CHECK (form IN ('beneficiary', 'beneficiary_edit', 'account', 'payment', 'withdrawal',
                                             'contact', 'grievance', 'grievance_update', 'verification',
                                             'signed_list', 'decision', 'account_decline')),
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

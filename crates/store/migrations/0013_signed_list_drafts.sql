-- The signed-list grid (issue 15) keeps its input as a draft like every form: `drafts.form`
-- gains 'signed_list'. SQLite cannot change a CHECK in place, so the table is rebuilt (drafts are
-- local to this desktop: no change records, nothing else refers to them).
CREATE TABLE drafts_new (
    form       TEXT NOT NULL CHECK (form IN ('beneficiary', 'beneficiary_edit', 'account', 'payment', 'withdrawal',
                                             'contact', 'grievance', 'grievance_update', 'verification',
                                             'signed_list')),
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

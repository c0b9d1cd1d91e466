-- Field workflows, part 1: durable form drafts and the duplicate-registration decision.

-- A form's unsaved input, autosaved as the officer types so a crash or a closed window loses
-- nothing. Local to this desktop (not a record of the city: no change records, never exchanged).
-- `form` names the form; `subject` is what it belongs to ('' for a new person, else the id of the
-- person, payment, grievance or verification item the form is about).
CREATE TABLE drafts (
    form       TEXT NOT NULL CHECK (form IN ('beneficiary', 'beneficiary_edit', 'account', 'payment', 'withdrawal',
                                             'contact', 'grievance', 'grievance_update', 'verification')),
    subject    TEXT NOT NULL,
    payload    TEXT NOT NULL CHECK (json_valid(payload)),
    person_id  TEXT NOT NULL DEFAULT '',   -- the person the form is about ('' for a new one): where to resume
    label      TEXT NOT NULL DEFAULT '',   -- what the officer sees in the "unfinished forms" list
    updated_at TEXT NOT NULL,
    PRIMARY KEY (form, subject)
) STRICT;

-- Registered although a person with the same accent-folded name, birth date and ward exists:
-- the officer's stated reason (e.g. "two people, same name, different parents").
ALTER TABLE beneficiaries ADD COLUMN duplicate_reason TEXT NOT NULL DEFAULT '';

-- Duplicate candidates are looked up by that key (see ansinh_core::text::duplicate_key).
CREATE INDEX beneficiaries_duplicate ON beneficiaries (ward_code, name_key, birth_year);

-- Field workflows (issue 3): follow-up contacts, verification visits, grievances.
-- Same conventions as 0001: STRICT, UUIDv7 text ids, ISO dates, audit columns, and every
-- write appends change records (entity name = table name).

-- A contact with a person whose money waits (a call, a home visit, an arranged delivery).
CREATE TABLE contacts (
    id             TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id),
    payment_id     TEXT REFERENCES payments(id),   -- NULL: about the person in general
    kind           TEXT NOT NULL CHECK (kind IN ('call', 'home_visit', 'home_delivery', 'other')),
    contacted_on   TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('will_withdraw', 'not_reached', 'home_delivery_arranged', 'already_withdrawn', 'refused_other')),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL
) STRICT;
CREATE INDEX contacts_beneficiary ON contacts (beneficiary_id, contacted_on);

-- One random sample of a cycle's credited payments (reproducible from seed + data).
CREATE TABLE verification_samples (
    id             TEXT PRIMARY KEY,
    period         TEXT NOT NULL UNIQUE REFERENCES payment_cycles(period),
    seed           INTEGER NOT NULL,
    size_spec      TEXT NOT NULL,              -- as asked: "20" or "10%"
    population     INTEGER NOT NULL CHECK (population > 0),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL
) STRICT;

-- A sampled payment and, once visited, what the person confirmed.
CREATE TABLE verification_items (
    id                  TEXT PRIMARY KEY,
    sample_id           TEXT NOT NULL REFERENCES verification_samples(id),
    payment_id          TEXT NOT NULL REFERENCES payments(id),
    position            INTEGER NOT NULL CHECK (position > 0),   -- draw order
    result              TEXT CHECK (result IS NULL OR result IN ('full', 'partial', 'nothing')),
    amount_received_vnd INTEGER CHECK (amount_received_vnd IS NULL OR amount_received_vnd >= 0),
    verified_on         TEXT,
    note                TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    created_device      TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    updated_device      TEXT NOT NULL,
    UNIQUE (sample_id, payment_id),
    CHECK ((result IS NULL) = (verified_on IS NULL))
) STRICT;
CREATE INDEX verification_items_sample ON verification_items (sample_id, position);

CREATE TABLE grievances (
    id              TEXT PRIMARY KEY,
    beneficiary_id  TEXT NOT NULL REFERENCES beneficiaries(id),
    category        TEXT NOT NULL CHECK (category IN ('not_received', 'wrong_amount', 'account_problem', 'access', 'staff_conduct', 'other')),
    channel         TEXT NOT NULL CHECK (channel IN ('in_person', 'phone', 'hotline', 'letter', 'online', 'other')),
    description     TEXT NOT NULL CHECK (length(description) > 0),
    opened_on       TEXT NOT NULL,
    deadline_on     TEXT NOT NULL CHECK (deadline_on >= opened_on),
    status          TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'rejected')),
    resolution_note TEXT NOT NULL DEFAULT '',
    closed_on       TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_device  TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_device  TEXT NOT NULL,
    CHECK (status NOT IN ('resolved', 'rejected') OR (resolution_note <> '' AND closed_on IS NOT NULL))
) STRICT;
CREATE INDEX grievances_beneficiary ON grievances (beneficiary_id, opened_on);
CREATE INDEX grievances_status ON grievances (status, deadline_on);

-- Status history: one row per change (opening included), never updated.
CREATE TABLE grievance_events (
    id             TEXT PRIMARY KEY,
    grievance_id   TEXT NOT NULL REFERENCES grievances(id),
    from_status    TEXT CHECK (from_status IS NULL OR from_status IN ('open', 'in_progress', 'resolved', 'rejected')),
    to_status      TEXT NOT NULL CHECK (to_status IN ('open', 'in_progress', 'resolved', 'rejected')),
    changed_on     TEXT NOT NULL,
    deadline_on    TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL
) STRICT;
CREATE INDEX grievance_events_grievance ON grievance_events (grievance_id, changed_on);

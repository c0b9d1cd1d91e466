-- ansinh schema v1. Every table is STRICT; money is integer VND; ids are UUIDv7 text made on
-- the device; dates are ISO text (yyyy-mm-dd), timestamps ISO text in UTC. Each data row
-- records who (officer) and which device created and last changed it.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Administrative units are data an administrator loads (codes are the key: names repeat).
CREATE TABLE admin_units (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'district', 'ward', 'commune')),
    parent_code TEXT REFERENCES admin_units(code),
    valid_from  TEXT,
    valid_to    TEXT,
    is_sample   INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1))
) STRICT;

-- Old-to-new mapping (e.g. the 1 July 2025 merger), kept for historical records.
CREATE TABLE admin_unit_mappings (
    old_code       TEXT NOT NULL REFERENCES admin_units(code),
    new_code       TEXT NOT NULL REFERENCES admin_units(code),
    effective_from TEXT NOT NULL,
    PRIMARY KEY (old_code, new_code)
) STRICT;

CREATE TABLE allowance_groups (
    code               TEXT PRIMARY KEY,
    scheme             TEXT NOT NULL CHECK (scheme IN ('social_assistance', 'meritorious')),
    name_vi            TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    -- coefficient x 1000 (1.5 -> 1500): integer so amounts stay exact
    coefficient_permille INTEGER NOT NULL CHECK (coefficient_permille > 0)
) STRICT;

-- Dated history of standard levels: an amount uses the level in force on its date.
CREATE TABLE standard_levels (
    scheme         TEXT NOT NULL CHECK (scheme IN ('social_assistance', 'meritorious')),
    effective_from TEXT NOT NULL,
    amount_vnd     INTEGER NOT NULL CHECK (amount_vnd > 0),
    source         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scheme, effective_from)
) STRICT;

-- Banks (by 6-digit NAPAS BIN), e-wallets, Mobile Money operators, VNeID, cash points.
CREATE TABLE providers (
    channel TEXT NOT NULL CHECK (channel IN ('bank', 'ewallet', 'mobile_money', 'vneid', 'cash')),
    code    TEXT NOT NULL,
    name    TEXT NOT NULL,
    PRIMARY KEY (channel, code)
) STRICT;

CREATE TABLE beneficiaries (
    id                   TEXT PRIMARY KEY,
    full_name            TEXT NOT NULL CHECK (length(full_name) > 0),
    name_key             TEXT NOT NULL,   -- accent-folded, lower case: search
    name_lower           TEXT NOT NULL,   -- exact tones, lower case: ranks exact matches first
    sort_key             TEXT NOT NULL,   -- folded given name first: Vietnamese list order
    birth_date           TEXT,
    birth_year           INTEGER NOT NULL CHECK (birth_year BETWEEN 1880 AND 2300),
    sex                  TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    id_number            TEXT UNIQUE CHECK (id_number IS NULL OR (length(id_number) = 12 AND id_number NOT GLOB '*[^0-9]*')),
    legacy_id_number     TEXT CHECK (legacy_id_number IS NULL OR length(legacy_id_number) = 9),
    id_override_reason   TEXT NOT NULL DEFAULT '',
    ward_code            TEXT NOT NULL REFERENCES admin_units(code),
    residential_group    TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL DEFAULT '',
    group_code           TEXT NOT NULL REFERENCES allowance_groups(code),
    disability           TEXT NOT NULL DEFAULT 'none' CHECK (disability IN ('none', 'severe', 'particularly_severe')),
    lives_alone          INTEGER NOT NULL DEFAULT 0 CHECK (lives_alone IN (0, 1)),
    limited_mobility     INTEGER NOT NULL DEFAULT 0 CHECK (limited_mobility IN (0, 1)),
    vision_hearing       INTEGER NOT NULL DEFAULT 0 CHECK (vision_hearing IN (0, 1)),
    no_smartphone        INTEGER NOT NULL DEFAULT 0 CHECK (no_smartphone IN (0, 1)),
    bedridden            INTEGER NOT NULL DEFAULT 0 CHECK (bedridden IN (0, 1)),
    authorised_name      TEXT NOT NULL DEFAULT '',
    authorised_id_number TEXT NOT NULL DEFAULT '',
    authorised_relation  TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    created_device       TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    updated_by           TEXT NOT NULL,
    updated_device       TEXT NOT NULL
) STRICT;
CREATE INDEX beneficiaries_ward ON beneficiaries (ward_code, sort_key);
CREATE INDEX beneficiaries_sort ON beneficiaries (sort_key);

CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id),
    channel        TEXT NOT NULL CHECK (channel IN ('bank', 'ewallet', 'mobile_money', 'vneid', 'cash')),
    provider_code  TEXT NOT NULL DEFAULT '',
    account_number TEXT NOT NULL DEFAULT '',  -- text: leading zeros matter
    status         TEXT NOT NULL CHECK (status IN ('requested', 'opened', 'closed', 'failed')),
    requested_on   TEXT,
    opened_on      TEXT,
    closed_on      TEXT,
    close_reason   TEXT NOT NULL DEFAULT '',
    assisted       INTEGER NOT NULL DEFAULT 0 CHECK (assisted IN (0, 1)),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    CHECK (status <> 'opened' OR opened_on IS NOT NULL)
) STRICT;
CREATE INDEX accounts_beneficiary ON accounts (beneficiary_id);

-- One monthly cycle per period (yyyy-mm); closed cycles are immutable.
CREATE TABLE payment_cycles (
    period       TEXT PRIMARY KEY CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    scheduled_on TEXT NOT NULL,
    closed_at    TEXT
) STRICT;

CREATE TABLE payments (
    id             TEXT PRIMARY KEY,
    period         TEXT NOT NULL REFERENCES payment_cycles(period),
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id),
    account_id     TEXT REFERENCES accounts(id),
    channel        TEXT NOT NULL CHECK (channel IN ('bank', 'ewallet', 'mobile_money', 'vneid', 'cash')),
    amount_vnd     INTEGER NOT NULL CHECK (amount_vnd > 0),
    status         TEXT NOT NULL CHECK (status IN ('scheduled', 'credited', 'failed', 'reversed')),
    scheduled_on   TEXT,
    credited_on    TEXT,
    failure_reason TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    UNIQUE (beneficiary_id, period),
    CHECK (status <> 'credited' OR credited_on IS NOT NULL),
    CHECK (status NOT IN ('failed', 'reversed') OR failure_reason <> '')
) STRICT;
CREATE INDEX payments_period ON payments (period);

CREATE TABLE withdrawals (
    id              TEXT PRIMARY KEY,
    payment_id      TEXT NOT NULL REFERENCES payments(id),
    withdrawn_on    TEXT NOT NULL,
    amount_vnd      INTEGER NOT NULL CHECK (amount_vnd > 0),
    place           TEXT NOT NULL CHECK (place IN ('atm', 'bank_counter', 'agent', 'post_office', 'home_delivery', 'proxy', 'ward_office')),
    travel_minutes  INTEGER CHECK (travel_minutes IS NULL OR travel_minutes >= 0),   -- NULL: does not remember
    travel_cost_vnd INTEGER CHECK (travel_cost_vnd IS NULL OR travel_cost_vnd >= 0),
    waiting_minutes INTEGER CHECK (waiting_minutes IS NULL OR waiting_minutes >= 0),
    assisted        INTEGER NOT NULL DEFAULT 0 CHECK (assisted IN (0, 1)),
    problems        TEXT NOT NULL DEFAULT '',   -- comma-separated problem codes
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_device  TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_device  TEXT NOT NULL
) STRICT;
CREATE INDEX withdrawals_payment ON withdrawals (payment_id, withdrawn_on);

-- Immutable change records: every write appends one in the same transaction. A later
-- exchange ships them between desktops; the hash chain makes gaps and edits visible.
CREATE TABLE change_log (
    device_id      TEXT NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq > 0),
    record_id      TEXT NOT NULL UNIQUE,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
    schema_version INTEGER NOT NULL,
    officer        TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,   -- information only: device clocks are not trusted
    payload        TEXT NOT NULL,   -- JSON of the row after the change
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;
CREATE INDEX change_log_entity ON change_log (entity, entity_id);

-- Change records are immutable.
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;

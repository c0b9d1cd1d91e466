-- Enrolment (issue 13): a device talks to the server only once an administrator enrolled its
-- public key (`ansinh-server device add`), as a device of one ward or as the city office, and
-- until it is revoked. Rows pinned on first use before this migration stay (their records are
-- readable by the city office) with the role 'pinned': such a device is refused until enrolled.
ALTER TABLE devices ADD COLUMN role TEXT NOT NULL DEFAULT 'pinned' CHECK (role IN ('pinned', 'ward', 'city'));
ALTER TABLE devices ADD COLUMN enrolled_at TIMESTAMPTZ;
ALTER TABLE devices ADD COLUMN revoked_at TIMESTAMPTZ;
-- One key belongs to one device (checked on enrolment; not UNIQUE so that old pinned rows migrate).
CREATE INDEX devices_signing_key ON devices (signing_key);
-- Reads scoped to a ward list its devices.
CREATE INDEX devices_ward ON devices (role, ward);

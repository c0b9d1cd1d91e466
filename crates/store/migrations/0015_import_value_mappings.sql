-- Imports that read real lists (issue 16, part 6).

-- The code an officer chose for a value of a coded column that matches no code or name (e.g. the
-- group written "Người cao tuổi từ 80 tuổi" → cao_tuoi_80), remembered per header set like the
-- column mapping of `import_mappings` (0006): same key, a hash of the accent-folded headers. A
-- local preference: not shipped as change records.
CREATE TABLE import_value_mappings (
    header_hash TEXT NOT NULL,
    field       TEXT NOT NULL,   -- group_code, disability or sex
    value_key   TEXT NOT NULL,   -- the value accent-folded, lower case, spaces collapsed
    value       TEXT NOT NULL,   -- the value as first written (for people reading the table)
    code        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (header_hash, field, value_key)
) STRICT;

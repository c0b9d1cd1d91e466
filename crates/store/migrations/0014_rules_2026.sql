-- no-transaction
-- The rules of 2026 (issue 16). Runs outside sqlx's transaction because two parent tables are
-- rebuilt (SQLite cannot change a CHECK in place) and that needs foreign keys off; the whole
-- change is still one transaction (BEGIN ... COMMIT below): every row is copied, so every
-- reference still holds.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- Programmes: social pension (trợ cấp hưu trí xã hội; Law on Social Insurance 41/2024/QH15
-- Art. 21, Decree 176/2025/NĐ-CP, from 1 July 2025) joins social assistance and merit.
-- A group has a validity; a group that ended may name its successor (the 80+ without a pension
-- moved from social assistance to social pension on 1 July 2025): a person keeps the group they
-- were decided under, and a cycle after its end is paid under the successor's rules.
-- `coefficient_permille` is the coefficient from the group's start; later changes are dated rows
-- of `group_coefficients`.
CREATE TABLE allowance_groups_new (
    code                 TEXT PRIMARY KEY,
    scheme               TEXT NOT NULL CHECK (scheme IN ('social_assistance', 'social_pension', 'meritorious')),
    name_vi              TEXT NOT NULL,
    name_en              TEXT NOT NULL,
    coefficient_permille INTEGER NOT NULL CHECK (coefficient_permille > 0),
    valid_from           TEXT CHECK (valid_from IS NULL OR valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    valid_to             TEXT CHECK (valid_to IS NULL OR valid_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    successor_code       TEXT REFERENCES allowance_groups(code),
    CHECK (successor_code IS NULL OR valid_to IS NOT NULL)
) STRICT;
INSERT INTO allowance_groups_new (code, scheme, name_vi, name_en, coefficient_permille)
    SELECT code, scheme, name_vi, name_en, coefficient_permille FROM allowance_groups;
DROP TABLE allowance_groups;
ALTER TABLE allowance_groups_new RENAME TO allowance_groups;

INSERT INTO allowance_groups (code, scheme, name_vi, name_en, coefficient_permille, valid_from) VALUES
    ('huu_tri_xa_hoi_75', 'social_pension',
     'Người từ đủ 75 tuổi không hưởng lương hưu, trợ cấp bảo hiểm xã hội hằng tháng',
     'Aged 75+ without a pension or monthly social-insurance benefit', 1000, '2025-07-01'),
    ('huu_tri_xa_hoi_70_ngheo', 'social_pension',
     'Người từ đủ 70 đến dưới 75 tuổi thuộc hộ nghèo, hộ cận nghèo, không hưởng lương hưu',
     'Aged 70-74 in a poor or near-poor household, without a pension', 1000, '2025-07-01');
-- The 80+ without a pension: social assistance until 30 June 2025, social pension since.
UPDATE allowance_groups SET valid_to = '2025-06-30', successor_code = 'huu_tri_xa_hoi_75'
    WHERE code = 'cao_tuoi_80_khong_luong';

-- Dated coefficient changes (none known yet: the table is where a decree's change goes).
CREATE TABLE group_coefficients (
    group_code           TEXT NOT NULL REFERENCES allowance_groups(code),
    effective_from       TEXT NOT NULL CHECK (effective_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    coefficient_permille INTEGER NOT NULL CHECK (coefficient_permille > 0),
    source               TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_code, effective_from)
) STRICT;

-- Standard levels by programme and area: `area` '' is the national level, a province code
-- ('01' Hà Nội) a province's own. The level in force is the higher of the two (a province pays
-- at least the central level). `kind` 'top_up' is a province's monthly amount added on top
-- (0 ends it).
CREATE TABLE standard_levels_new (
    scheme         TEXT NOT NULL CHECK (scheme IN ('social_assistance', 'social_pension', 'meritorious')),
    area           TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL DEFAULT 'level' CHECK (kind IN ('level', 'top_up')),
    effective_from TEXT NOT NULL CHECK (effective_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    amount_vnd     INTEGER NOT NULL CHECK (amount_vnd > 0 OR (kind = 'top_up' AND amount_vnd = 0)),
    source         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scheme, area, kind, effective_from)
) STRICT;
INSERT INTO standard_levels_new (scheme, effective_from, amount_vnd, source)
    SELECT scheme, effective_from, amount_vnd, source FROM standard_levels;
DROP TABLE standard_levels;
ALTER TABLE standard_levels_new RENAME TO standard_levels;

INSERT INTO standard_levels (scheme, area, kind, effective_from, amount_vnd, source) VALUES
    ('social_assistance', '01', 'level',  '2026-01-01', 650000, 'Resolution 63/2025/NQ-HĐND (Hà Nội)'),
    ('social_pension',    '',   'level',  '2025-07-01', 500000, 'Decree 176/2025/NĐ-CP'),
    ('social_pension',    '01', 'top_up', '2026-01-01', 150000, 'Resolution 63/2025/NQ-HĐND Art. 7 (Hà Nội)');

-- Administrative units: Hà Nội's 126 units since 1 July 2025 (General Statistics Office letter
-- 1027/CTK-CSCL, Decision 19/2025/QĐ-TTg; ../shared/data/hanoi-units-2025-07.csv).
-- Five new codes reuse the code of a merged old unit: the old unit's name and dates move to
-- `admin_unit_history`, so a record dated before 1 July 2025 still reads its own unit.
CREATE TABLE admin_unit_history (
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'district', 'ward', 'commune')),
    parent_code TEXT,
    valid_from  TEXT,
    valid_to    TEXT NOT NULL,
    PRIMARY KEY (code, valid_to)
) STRICT;

CREATE TEMP TABLE units_2025 (code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL);
INSERT INTO units_2025 (code, name, level) VALUES
    ('00070', 'Phường Hoàn Kiếm', 'ward'),
    ('00082', 'Phường Cửa Nam', 'ward'),
    ('00004', 'Phường Ba Đình', 'ward'),
    ('00008', 'Phường Ngọc Hà', 'ward'),
    ('00025', 'Phường Giảng Võ', 'ward'),
    ('00256', 'Phường Hai Bà Trưng', 'ward'),
    ('00283', 'Phường Vĩnh Tuy', 'ward'),
    ('00292', 'Phường Bạch Mai', 'ward'),
    ('00235', 'Phường Đống Đa', 'ward'),
    ('00229', 'Phường Kim Liên', 'ward'),
    ('00226', 'Phường Văn Miếu - Quốc Tử Giám', 'ward'),
    ('00199', 'Phường Láng', 'ward'),
    ('00190', 'Phường Ô Chợ Dừa', 'ward'),
    ('00097', 'Phường Hồng Hà', 'ward'),
    ('00328', 'Phường Lĩnh Nam', 'ward'),
    ('00331', 'Phường Hoàng Mai', 'ward'),
    ('00301', 'Phường Vĩnh Hưng', 'ward'),
    ('00322', 'Phường Tương Mai', 'ward'),
    ('00316', 'Phường Định Công', 'ward'),
    ('00337', 'Phường Hoàng Liệt', 'ward'),
    ('00340', 'Phường Yên Sở', 'ward'),
    ('00367', 'Phường Thanh Xuân', 'ward'),
    ('00364', 'Phường Khương Đình', 'ward'),
    ('00352', 'Phường Phương Liệt', 'ward'),
    ('00166', 'Phường Cầu Giấy', 'ward'),
    ('00160', 'Phường Nghĩa Đô', 'ward'),
    ('00175', 'Phường Yên Hòa', 'ward'),
    ('00103', 'Phường Tây Hồ', 'ward'),
    ('00091', 'Phường Phú Thượng', 'ward'),
    ('00613', 'Phường Tây Tựu', 'ward'),
    ('00619', 'Phường Phú Diễn', 'ward'),
    ('00611', 'Phường Xuân Đỉnh', 'ward'),
    ('00602', 'Phường Đông Ngạc', 'ward'),
    ('00598', 'Phường Thượng Cát', 'ward'),
    ('00592', 'Phường Từ Liêm', 'ward'),
    ('00622', 'Phường Xuân Phương', 'ward'),
    ('00634', 'Phường Tây Mỗ', 'ward'),
    ('00637', 'Phường Đại Mỗ', 'ward'),
    ('00145', 'Phường Long Biên', 'ward'),
    ('00118', 'Phường Bồ Đề', 'ward'),
    ('00127', 'Phường Việt Hưng', 'ward'),
    ('00136', 'Phường Phúc Lợi', 'ward'),
    ('09556', 'Phường Hà Đông', 'ward'),
    ('09886', 'Phường Dương Nội', 'ward'),
    ('09562', 'Phường Yên Nghĩa', 'ward'),
    ('09568', 'Phường Phú Lương', 'ward'),
    ('09552', 'Phường Kiến Hưng', 'ward'),
    ('00640', 'Xã Thanh Trì', 'commune'),
    ('00664', 'Xã Đại Thanh', 'commune'),
    ('00685', 'Xã Nam Phù', 'commune'),
    ('00679', 'Xã Ngọc Hồi', 'commune'),
    ('00643', 'Phường Thanh Liệt', 'ward'),
    ('10231', 'Xã Thượng Phúc', 'commune'),
    ('10183', 'Xã Thường Tín', 'commune'),
    ('10237', 'Xã Chương Dương', 'commune'),
    ('10210', 'Xã Hồng Vân', 'commune'),
    ('10273', 'Xã Phú Xuyên', 'commune'),
    ('10279', 'Xã Phượng Dực', 'commune'),
    ('10330', 'Xã Chuyên Mỹ', 'commune'),
    ('10342', 'Xã Đại Xuyên', 'commune'),
    ('10114', 'Xã Thanh Oai', 'commune'),
    ('10126', 'Xã Bình Minh', 'commune'),
    ('10144', 'Xã Tam Hưng', 'commune'),
    ('10180', 'Xã Dân Hòa', 'commune'),
    ('10354', 'Xã Vân Đình', 'commune'),
    ('10369', 'Xã Ứng Thiên', 'commune'),
    ('10417', 'Xã Hòa Xá', 'commune'),
    ('10402', 'Xã Ứng Hòa', 'commune'),
    ('10441', 'Xã Mỹ Đức', 'commune'),
    ('10465', 'Xã Hồng Sơn', 'commune'),
    ('10459', 'Xã Phúc Sơn', 'commune'),
    ('10489', 'Xã Hương Sơn', 'commune'),
    ('10015', 'Phường Chương Mỹ', 'ward'),
    ('10030', 'Xã Phú Nghĩa', 'commune'),
    ('10045', 'Xã Xuân Mai', 'commune'),
    ('10081', 'Xã Trần Phú', 'commune'),
    ('10096', 'Xã Hòa Phú', 'commune'),
    ('10072', 'Xã Quảng Bị', 'commune'),
    ('09661', 'Xã Minh Châu', 'commune'),
    ('09619', 'Xã Quảng Oai', 'commune'),
    ('09664', 'Xã Vật Lại', 'commune'),
    ('09634', 'Xã Cổ Đô', 'commune'),
    ('09676', 'Xã Bất Bạt', 'commune'),
    ('09694', 'Xã Suối Hai', 'commune'),
    ('09700', 'Xã Ba Vì', 'commune'),
    ('09706', 'Xã Yên Bài', 'commune'),
    ('09574', 'Phường Sơn Tây', 'ward'),
    ('09604', 'Phường Tùng Thiện', 'ward'),
    ('09616', 'Xã Đoài Phương', 'commune'),
    ('09715', 'Xã Phúc Thọ', 'commune'),
    ('09739', 'Xã Phúc Lộc', 'commune'),
    ('09772', 'Xã Hát Môn', 'commune'),
    ('09955', 'Xã Thạch Thất', 'commune'),
    ('09982', 'Xã Hạ Bằng', 'commune'),
    ('10003', 'Xã Tây Phương', 'commune'),
    ('09988', 'Xã Hòa Lạc', 'commune'),
    ('04930', 'Xã Yên Xuân', 'commune'),
    ('09895', 'Xã Quốc Oai', 'commune'),
    ('09931', 'Xã Hưng Đạo', 'commune'),
    ('09910', 'Xã Kiều Phú', 'commune'),
    ('09952', 'Xã Phú Cát', 'commune'),
    ('09832', 'Xã Hoài Đức', 'commune'),
    ('09856', 'Xã Dương Hòa', 'commune'),
    ('09871', 'Xã Sơn Đồng', 'commune'),
    ('09877', 'Xã An Khánh', 'commune'),
    ('09784', 'Xã Đan Phượng', 'commune'),
    ('09817', 'Xã Ô Diên', 'commune'),
    ('09787', 'Xã Liên Minh', 'commune'),
    ('00565', 'Xã Gia Lâm', 'commune'),
    ('00562', 'Xã Thuận An', 'commune'),
    ('00577', 'Xã Bát Tràng', 'commune'),
    ('00541', 'Xã Phù Đổng', 'commune'),
    ('00475', 'Xã Thư Lâm', 'commune'),
    ('00454', 'Xã Đông Anh', 'commune'),
    ('00466', 'Xã Phúc Thịnh', 'commune'),
    ('00493', 'Xã Thiên Lộc', 'commune'),
    ('00508', 'Xã Vĩnh Thanh', 'commune'),
    ('09022', 'Xã Mê Linh', 'commune'),
    ('08980', 'Xã Yên Lãng', 'commune'),
    ('08995', 'Xã Tiến Thắng', 'commune'),
    ('08974', 'Xã Quang Minh', 'commune'),
    ('00376', 'Xã Sóc Sơn', 'commune'),
    ('00430', 'Xã Đa Phúc', 'commune'),
    ('00433', 'Xã Nội Bài', 'commune'),
    ('00385', 'Xã Trung Giã', 'commune'),
    ('00382', 'Xã Kim Anh', 'commune');

INSERT INTO admin_unit_history (code, name, level, parent_code, valid_from, valid_to)
    SELECT u.code, u.name, u.level, u.parent_code, u.valid_from, u.valid_to
    FROM admin_units u JOIN units_2025 n ON n.code = u.code
    WHERE u.valid_to IS NOT NULL AND u.valid_to < '2025-07-01';
INSERT INTO admin_units (code, name, level, parent_code, valid_from, valid_to, is_sample)
    SELECT code, name, level, '01', '2025-07-01', NULL, 0 FROM units_2025 WHERE true
    ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
        valid_from = excluded.valid_from, valid_to = NULL, is_sample = 0;

-- The five placeholder wards (9xxxx, sample) were never real units: the real unit of the same
-- name replaces them. Records already made on a placeholder keep it (it is retired, not
-- deleted); the mapping says where it belongs, and the sample old→placeholder mappings now point
-- at the real unit.
CREATE TEMP TABLE placeholder_2025 (old TEXT PRIMARY KEY, new TEXT NOT NULL);
INSERT INTO placeholder_2025 (old, new)
    SELECT p.code, n.code FROM admin_units p JOIN units_2025 n ON n.name = p.name
    WHERE p.is_sample = 1 AND p.code GLOB '9[0-9][0-9][0-9][0-9]' AND p.valid_to IS NULL;
UPDATE OR IGNORE admin_unit_mappings SET new_code = (SELECT new FROM placeholder_2025 WHERE old = new_code)
    WHERE new_code IN (SELECT old FROM placeholder_2025);
INSERT OR IGNORE INTO admin_unit_mappings (old_code, new_code, effective_from)
    SELECT old, new, '2025-07-01' FROM placeholder_2025;
UPDATE admin_units SET valid_from = NULL, valid_to = '2025-06-30'
    WHERE code IN (SELECT old FROM placeholder_2025);

DROP TABLE units_2025;
DROP TABLE placeholder_2025;

COMMIT;
PRAGMA foreign_keys = ON;

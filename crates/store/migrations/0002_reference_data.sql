-- Reference data the product ships with. All of it is data an administrator can replace;
-- amounts and coefficients follow DOMAIN.md (verify against the decrees).

INSERT INTO standard_levels (scheme, effective_from, amount_vnd, source) VALUES
    ('social_assistance', '2021-07-01', 360000, 'Decree 20/2021/ND-CP'),
    ('social_assistance', '2024-07-01', 500000, 'Decree 76/2024/ND-CP'),
    ('meritorious',       '2024-07-01', 2789000, 'Decree 77/2024/ND-CP');

INSERT INTO allowance_groups (code, scheme, name_vi, name_en, coefficient_permille) VALUES
    ('tre_em_khong_nguon_nuoi', 'social_assistance', 'Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng', 'Child under 16 without caregivers', 1500),
    ('don_than_nuoi_con', 'social_assistance', 'Người đơn thân nghèo đang nuôi con', 'Poor single parent raising children', 1000),
    ('cao_tuoi_ngheo_60_80', 'social_assistance', 'Người cao tuổi hộ nghèo không có người phụng dưỡng, 60-80 tuổi', 'Elderly, poor household, no supporter, 60-80', 1500),
    ('cao_tuoi_ngheo_80', 'social_assistance', 'Người cao tuổi hộ nghèo không có người phụng dưỡng, từ 80 tuổi', 'Elderly, poor household, no supporter, 80+', 2000),
    ('cao_tuoi_80_khong_luong', 'social_assistance', 'Người từ 80 tuổi không có lương hưu, trợ cấp', 'Aged 80+ without pension or other allowance', 1000),
    ('cao_tuoi_cham_soc_tai_nha', 'social_assistance', 'Người cao tuổi đủ điều kiện vào cơ sở, được chăm sóc tại nhà', 'Elderly eligible for a care centre, cared for at home', 3000),
    ('khuyet_tat_dac_biet_nang', 'social_assistance', 'Người khuyết tật đặc biệt nặng', 'Person with particularly severe disability', 2000),
    ('khuyet_tat_nang', 'social_assistance', 'Người khuyết tật nặng', 'Person with severe disability', 1500),
    ('tre_em_cao_tuoi_khuyet_tat_dac_biet_nang', 'social_assistance', 'Trẻ em, người cao tuổi khuyết tật đặc biệt nặng', 'Child or elderly, particularly severe disability', 2500),
    ('tre_em_cao_tuoi_khuyet_tat_nang', 'social_assistance', 'Trẻ em, người cao tuổi khuyết tật nặng', 'Child or elderly, severe disability', 2000),
    ('than_nhan_liet_si', 'meritorious', 'Thân nhân của một liệt sĩ', 'Relative of one martyr', 1000);

INSERT INTO providers (channel, code, name) VALUES
    ('bank', '970436', 'Vietcombank'),
    ('bank', '970415', 'VietinBank'),
    ('bank', '970418', 'BIDV'),
    ('bank', '970405', 'Agribank'),
    ('bank', '970407', 'Techcombank'),
    ('bank', '970422', 'MB Bank'),
    ('bank', '970416', 'ACB'),
    ('bank', '970432', 'VPBank'),
    ('bank', '970403', 'Sacombank'),
    ('bank', '970423', 'TPBank'),
    ('bank', '970449', 'LPBank'),
    ('bank', '970443', 'SHB'),
    ('bank', '970437', 'HDBank'),
    ('ewallet', 'momo', 'MoMo'),
    ('ewallet', 'zalopay', 'ZaloPay'),
    ('ewallet', 'shopeepay', 'ShopeePay'),
    ('mobile_money', 'viettel', 'Viettel Money'),
    ('mobile_money', 'vnpt', 'VNPT Money'),
    ('mobile_money', 'mobifone', 'MobiFone Money'),
    ('vneid', 'vneid', 'VNeID - tài khoản an sinh xã hội'),
    ('cash', 'ward_office', 'Tiền mặt tại UBND xã/phường'),
    ('cash', 'post_office', 'Bưu điện chi trả tận nhà');

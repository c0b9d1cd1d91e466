//! Vietnamese name parts, weighted roughly as they occur (Nguyễn is about 38% of people).

pub const FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trương", 1),
    ("Đào", 1),
];

pub const MIDDLE_MALE: &[&str] = &["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Đình", "Ngọc"];
pub const MIDDLE_FEMALE: &[&str] = &["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng"];

pub const GIVEN_MALE: &[&str] = &[
    "An", "Ân", "Bình", "Cường", "Dũng", "Đông", "Giang", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
    "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
];
pub const GIVEN_FEMALE: &[&str] = &[
    "An",
    "Anh",
    "Ánh",
    "Bích",
    "Chi",
    "Dung",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hồng",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thu",
    "Trang",
    "Tuyết",
    "Yến",
];

pub const RELATIONS: &[&str] = &["con trai", "con gái", "cháu", "vợ", "chồng", "con dâu"];

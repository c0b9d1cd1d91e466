//! The day's visit list as a workbook: the ranked follow-up rows in Vietnamese, with an empty
//! "signature / notes" column to fill in on paper.

use crate::xlsx::{Cell, Sheet, write_xlsx};
use ansinh_core::AppError;
use ansinh_core::dates::format_date;
use ansinh_core::model::Need;
use ansinh_store::FollowupList;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

fn need_vi(n: Need) -> &'static str {
    match n {
        Need::LivesAlone => "Sống một mình",
        Need::LimitedMobility => "Đi lại khó khăn",
        Need::VisionHearing => "Khiếm thị/khiếm thính",
        Need::NoSmartphone => "Không có điện thoại thông minh",
        Need::Bedridden => "Nằm liệt giường",
    }
}

fn outcome_vi(o: ansinh_core::followup::ContactOutcome) -> &'static str {
    use ansinh_core::followup::ContactOutcome::*;
    match o {
        WillWithdraw => "Đã liên lạc, sẽ đi rút",
        NotReached => "Không liên lạc được",
        HomeDeliveryArranged => "Đã hẹn chi trả tại nhà",
        AlreadyWithdrawn => "Đã rút tiền",
        RefusedOther => "Từ chối/khác",
    }
}

fn day(iso: &str) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").map(format_date).unwrap_or_else(|_| iso.to_string())
}

/// The list as one sheet, rows in follow-up order.
pub fn followup_sheet(list: &FollowupList) -> Sheet {
    let headers = [
        "STT",
        "Họ và tên",
        "Tuổi",
        "Xã/phường",
        "Tổ dân phố",
        "Số điện thoại",
        "Nhu cầu hỗ trợ",
        "Điểm ưu tiên",
        "Kỳ",
        "Số tiền chưa rút (₫)",
        "Ngày tiền về",
        "Số ngày chờ",
        "Lần liên hệ gần nhất",
        "Chữ ký / ghi chú",
    ];
    let rows = list
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let needs: Vec<&str> = Need::ALL.iter().filter(|n| r.needs.has(**n)).map(|n| need_vi(*n)).collect();
            let last = r
                .last_contact
                .as_ref()
                .map(|c| format!("{}: {}", day(&c.contacted_on), outcome_vi(c.outcome)))
                .unwrap_or_default();
            let period = r.period.split_once('-').map(|(y, m)| format!("{m}/{y}")).unwrap_or_default();
            vec![
                Cell::from(i as i64 + 1),
                r.full_name.clone().into(),
                i64::from(r.age).into(),
                r.ward_name.clone().into(),
                r.residential_group.clone().into(),
                r.phone.clone().into(),
                needs.join(", ").into(),
                i64::from(r.priority).into(),
                period.into(),
                r.remaining_vnd.into(),
                day(&r.credited_on).into(),
                r.days_waiting.into(),
                last.into(),
                Cell::Empty,
            ]
        })
        .collect();
    Sheet { name: "Danh sách thăm".into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows }
}

/// Writes the list to `path`.
pub fn write_followup_xlsx(path: &Path, list: &FollowupList) -> Result<(), AppError> {
    write_xlsx(path, &[followup_sheet(list)])
}

/// Writes the list into the export folder as `theo-doi-<as_of>.xlsx` and returns its path.
pub fn export_followup(list: &FollowupList) -> Result<PathBuf, AppError> {
    let as_of = crate::sanitise::file_name_part(&list.as_of, 20);
    let path = crate::xlsx::export_dir()?.join(format!("theo-doi-{as_of}.xlsx"));
    write_followup_xlsx(&path, list)?;
    Ok(path)
}

fn channel_vi(c: ansinh_core::model::Channel) -> &'static str {
    use ansinh_core::model::Channel::*;
    match c {
        Bank => "Tài khoản ngân hàng",
        Ewallet => "Ví điện tử",
        MobileMoney => "Mobile Money",
        Vneid => "Tài khoản an sinh (VNeID)",
        Cash => "Tiền mặt",
    }
}

/// "Money left uncollected" as one sheet, rows in the list's order.
pub fn uncollected_sheet(list: &ansinh_store::UncollectedList) -> Sheet {
    let headers = [
        "STT",
        "Họ và tên",
        "Xã/phường",
        "Tổ dân phố",
        "Số điện thoại",
        "Lần rút gần nhất",
        "Số khoản đã chuyển từ đó",
        "Số tiền chưa nhận (₫)",
        "Số ngày",
        "Kênh chi trả",
        "Chữ ký / ghi chú",
    ];
    let rows = list
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Cell::from(i as i64 + 1),
                r.full_name.clone().into(),
                r.ward_name.clone().into(),
                r.residential_group.clone().into(),
                r.phone.clone().into(),
                r.last_withdrawal_on.as_deref().map(day).unwrap_or_else(|| "Chưa rút lần nào".into()).into(),
                r.payments_since.into(),
                r.left_vnd.into(),
                r.days_waiting.into(),
                channel_vi(r.channel).into(),
                Cell::Empty,
            ]
        })
        .collect();
    Sheet { name: "Tiền chưa nhận".into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows }
}

/// Writes "money left uncollected" to `path`.
pub fn write_uncollected_xlsx(path: &Path, list: &ansinh_store::UncollectedList) -> Result<(), AppError> {
    write_xlsx(path, &[uncollected_sheet(list)])
}

/// Writes "money left uncollected" into the export folder as `tien-chua-nhan-<as_of>.xlsx`.
pub fn export_uncollected(list: &ansinh_store::UncollectedList) -> Result<PathBuf, AppError> {
    let as_of = crate::sanitise::file_name_part(&list.as_of, 20);
    let path = crate::xlsx::export_dir()?.join(format!("tien-chua-nhan-{as_of}.xlsx"));
    write_uncollected_xlsx(&path, list)?;
    Ok(path)
}

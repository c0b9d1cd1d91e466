//! The signed-list page (issue 15): one cycle's credited payments of a ward as a keyboard grid,
//! typed from the paper list a cash or home-delivery round brings back signed.

use crate::command::commands;
use ansinh_core::{AppError, ErrorCode, dates};
use ansinh_store::SignedListRow;
use serde::Deserialize;

#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[ts(optional_fields = nullable)]
#[serde(default)]
pub struct SignedListQuery {
    /// The cycle, mm/yyyy (or yyyy-mm).
    pub cycle: String,
    /// The ward; an officer's own ward when empty (required for supervisors and administrators).
    pub ward_code: Option<String>,
    /// Only this residential group ("Tổ 5"); empty: the whole ward.
    pub group: Option<String>,
}

commands! {
    /// The rows of the list: credited payments of the cycle in the ward with money left.
    pub async fn signed_list(a: WritePeople, query: SignedListQuery) -> Vec<SignedListRow> {
        let (y, m) = dates::parse_period("cycle", &query.cycle)?;
        let ward = a
            .scoped_ward(query.ward_code.as_deref())?
            .ok_or_else(|| AppError::field("ward_code", ErrorCode::Required, "choose a ward"))?;
        let group = query.group.as_deref().map(str::trim).filter(|g| !g.is_empty());
        Ok(a.store.signed_list(&dates::period_key(y, m), ward, group).await?)
    }
}

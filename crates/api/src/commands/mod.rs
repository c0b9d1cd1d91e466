//! Every command the app, the development HTTP server and `ansinh call` run, grouped by page.
//! Each module is one [`commands!`](crate::command) block; [`SPECS`](specs) and [`call`] see them
//! all. A new command goes into the module of its page (a new module also goes into `MODULES`
//! below).

use crate::command::{Running, Spec};
use crate::{AppState, Cmd};
use ansinh_core::AppError;

pub mod app;
pub mod drafts;
pub mod exchange;
pub mod followup;
pub mod imports;
pub mod indicators;
pub mod people;
pub mod security;
pub mod signed_list;
pub mod withdrawals;

type Dispatch = for<'s> fn(&'s AppState, &str, serde_json::Value) -> Result<Running<'s>, serde_json::Value>;

/// Each module's registry and dispatch.
const MODULES: &[(&[Spec], Dispatch)] = &[
    (app::SPECS, app::dispatch),
    (people::SPECS, people::dispatch),
    (drafts::SPECS, drafts::dispatch),
    (indicators::SPECS, indicators::dispatch),
    (imports::SPECS, imports::dispatch),
    (exchange::SPECS, exchange::dispatch),
    (followup::SPECS, followup::dispatch),
    (security::SPECS, security::dispatch),
    (signed_list::SPECS, signed_list::dispatch),
    (withdrawals::SPECS, withdrawals::dispatch),
];

/// Every command, in declaration order.
pub fn specs() -> impl Iterator<Item = &'static Spec> {
    MODULES.iter().flat_map(|(specs, _)| specs.iter())
}

/// Runs the command `name` with its JSON argument object: its gate, its arguments, its body.
pub async fn call(state: &AppState, name: &str, args: serde_json::Value) -> Cmd<serde_json::Value> {
    let mut args = args;
    for (_, dispatch) in MODULES {
        match dispatch(state, name, args) {
            Ok(running) => return running.await,
            Err(back) => args = back,
        }
    }
    Err(AppError::NotFound { entity: "command", id: name.to_string() })
}

/// The day on the officer's computer: what "today" means for dates typed in a form.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

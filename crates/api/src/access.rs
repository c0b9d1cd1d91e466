//! The gate at the top of every command, in the app and in the CLI: [`require`] gives an
//! [`Access`] only to a signed-in, not idle-locked person whose role has the permission; an
//! officer's `Access` confines them to their ward. The role check is here, in Rust, never only
//! in a UI.

use crate::Cmd;
use crate::state::AppState;
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::auth::{Permission, denied};
use ansinh_core::segments::{Filter, FilterInput};
use ansinh_store::{Store, UserView};
use std::sync::Arc;

/// What a command may use once its permission is checked.
pub struct Access {
    pub store: Arc<Store>,
    pub user: UserView,
    /// The session it came from (users, keys, backups are changed through it).
    pub state: AppState,
}

impl Access {
    /// `Some(ward)` for an officer (confined to it), `None` for every ward. An officer without
    /// a ward (which account creation refuses) is confined to none: the empty code matches no
    /// ward, rather than every ward.
    pub fn ward_scope(&self) -> Option<&str> {
        if self.user.role.ward_bound() { Some(self.user.ward_code.as_deref().unwrap_or("")) } else { None }
    }

    /// An indicator filter as the user may ask it: the form's fields checked, and an officer's
    /// own ward put in (another ward asked for is refused), so their figures never count
    /// another ward's payments.
    pub fn figures_filter(&self, input: &FilterInput) -> Cmd<Filter> {
        self.scoped_figures(input.parse()?)
    }

    /// An already parsed indicator filter held to the wards the user may read (the CLI builds
    /// its filter from its own flags): see [`Access::figures_filter`].
    pub fn scoped_figures(&self, mut filter: Filter) -> Cmd<Filter> {
        filter.ward = self.scoped_ward(filter.ward.as_deref())?.map(str::to_string);
        Ok(filter)
    }

    /// The ward filter a list query may use: an officer's own ward whatever was asked (asking
    /// for another ward is refused), the asked one for the others.
    pub fn scoped_ward<'a>(&'a self, asked: Option<&'a str>) -> Cmd<Option<&'a str>> {
        let asked = asked.filter(|w| !w.is_empty());
        match (self.ward_scope(), asked) {
            (Some(own), Some(w)) if w != own => Err(forbidden()),
            (Some(own), _) => Ok(Some(own)),
            (None, a) => Ok(a),
        }
    }

    pub fn check_ward(&self, ward: &str) -> Cmd<()> {
        match self.ward_scope() {
            Some(own) if own != ward => Err(forbidden()),
            _ => Ok(()),
        }
    }

    /// Officers may only touch people of their ward.
    pub async fn check_person(&self, beneficiary_id: &str) -> Cmd<()> {
        if self.ward_scope().is_some() {
            self.check_ward(&self.store.ward_of_beneficiary(beneficiary_id).await?)?;
        }
        Ok(())
    }

    pub async fn check_payment(&self, payment_id: &str) -> Cmd<()> {
        if self.ward_scope().is_some() {
            self.check_ward(&self.store.ward_of_payment(payment_id).await?)?;
        }
        Ok(())
    }

    pub async fn check_grievance(&self, grievance_id: &str) -> Cmd<()> {
        if self.ward_scope().is_some() {
            self.check_ward(&self.store.ward_of_grievance(grievance_id).await?)?;
        }
        Ok(())
    }
}

pub fn forbidden() -> AppError {
    denied(ErrorCode::AuthForbidden, "your role does not allow this")
}

/// The gate: a signed-in, not idle-locked user whose role has `p`. An idle session is locked
/// here (the database closed and its key dropped) if the idle watch has not done it yet.
pub fn require(state: &AppState, p: Permission) -> Cmd<Access> {
    state.access(p)
}

/// Marks a command that runs before anyone signs in (status, set-up, sign-in, sign-out, the
/// conversion of a plaintext database); it gets the state and nothing else. The app's access
/// test accepts it in place of [`require`].
pub fn unauthenticated(state: &AppState) -> &AppState {
    state
}

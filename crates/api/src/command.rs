//! How a command is declared, once: its name, the permission it needs (as the type of its first
//! parameter), its arguments and its result, in one [`commands!`] block. From that block come the
//! plain Rust function (the CLI and tests call it), the registry entry ([`Spec`]) the access test
//! and the TypeScript contract read, and the JSON dispatch every transport uses (Tauri's one
//! `call` command, the development HTTP server, `ansinh call`). The gate runs in the dispatch,
//! before the arguments are even parsed, so no command can forget it.
//!
//! ```ignore
//! commands! {
//!     /// The people of a ward.
//!     pub async fn search_beneficiaries(a: ReadPeople, query: SearchQuery) -> Page<BeneficiaryView> {
//!         let ward = a.scoped_ward(query.ward_code.as_deref())?;
//!         Ok(a.store.search(&query.text, ward, query.limit, query.offset).await?)
//!     }
//! }
//! ```

use crate::{Access, AppState, Cmd};
use ansinh_core::ErrorCode;
use ansinh_core::auth::Permission;
use ansinh_core::{AppError, FieldError};
use std::future::Future;
use std::pin::Pin;

/// What a command declares it needs; the dispatch checks it before anything else runs.
pub trait Gate {
    /// `None`: runs before anyone signs in.
    const PERMISSION: Option<Permission>;
    /// What the body gets once admitted.
    type Ctx;
    fn admit(state: &AppState) -> Cmd<Self::Ctx>;
}

/// The gates a command's first parameter can name.
pub mod gates {
    use super::*;

    /// Runs before sign-in (status, set-up, sign-in, sign-out, converting a plaintext
    /// database): the body gets the session and nothing else.
    pub struct Open;
    impl Gate for Open {
        const PERMISSION: Option<Permission> = None;
        type Ctx = AppState;
        fn admit(state: &AppState) -> Cmd<AppState> {
            Ok(state.clone())
        }
    }

    macro_rules! permission_gates {
        ($($p:ident),*) => {$(
            #[doc = concat!("Needs `Permission::", stringify!($p), "`; the body gets an [`Access`].")]
            pub struct $p;
            impl Gate for $p {
                const PERMISSION: Option<Permission> = Some(Permission::$p);
                type Ctx = Access;
                fn admit(state: &AppState) -> Cmd<Access> {
                    crate::require(state, Permission::$p)
                }
            }
        )*};
    }
    permission_gates!(Signed, ReadPeople, WritePeople, Figures, Reports, Administer);
}

/// One command as the registry knows it.
#[derive(Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    /// `None`: open before sign-in.
    pub permission: Option<Permission>,
    /// Its doc comment.
    pub doc: &'static str,
    /// The names of its arguments (the keys of the JSON object it takes).
    pub args: &'static [&'static str],
    /// Its arguments' TypeScript types, in the order of `args`.
    pub ts_args: fn(&ts_rs::Config) -> Vec<String>,
    /// Its result's TypeScript type.
    pub ts_result: fn(&ts_rs::Config) -> String,
    /// Gathers the declarations of the types it takes and returns.
    pub collect: fn(&mut crate::contract::Contract),
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec").field("name", &self.name).field("permission", &self.permission).finish()
    }
}

/// A running command, boxed so the dispatch's future stays small whatever the command.
pub type Running<'s> = Pin<Box<dyn Future<Output = Cmd<serde_json::Value>> + Send + 's>>;

/// Parses a command's argument object (`null` counts as `{}`); a malformed one is refused with
/// the command's name, like any bad input.
pub fn parse_args<T: serde::de::DeserializeOwned>(command: &str, args: serde_json::Value) -> Cmd<T> {
    let args = if args.is_null() { serde_json::Value::Object(Default::default()) } else { args };
    serde_json::from_value(args).map_err(|e| {
        let message = format!("bad arguments for `{command}`: {e}");
        AppError::from(FieldError::new("args", ErrorCode::RequestInvalid, message).param("command", command))
    })
}

/// A command's result as JSON.
pub fn to_value<T: serde::Serialize>(out: T) -> Cmd<serde_json::Value> {
    serde_json::to_value(out).map_err(|e| AppError::Storage(format!("result does not serialise: {e}")))
}

/// Declares commands; see the module documentation. Each becomes a `pub async fn` whose first
/// parameter is the gate's context (an [`Access`] or, for `Open`, the [`AppState`]), plus the
/// module's `SPECS` and `dispatch`.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        pub async fn $name:ident($cx:ident : $gate:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $out:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            pub async fn $name(
                $cx: <$crate::command::gates::$gate as $crate::command::Gate>::Ctx
                $(, $arg: $ty)*
            ) -> $crate::Cmd<$out> $body
        )*

        /// This module's commands, for the registry.
        pub(crate) const SPECS: &[$crate::command::Spec] = &[$(
            $crate::command::Spec {
                name: stringify!($name),
                permission: <$crate::command::gates::$gate as $crate::command::Gate>::PERMISSION,
                doc: concat!($($doc, "\n"),*),
                args: &[$(stringify!($arg)),*],
                ts_args: |_cfg| vec![$(<$ty as ts_rs::TS>::name(_cfg)),*],
                ts_result: |cfg| <$out as ts_rs::TS>::name(cfg),
                collect: |c| {
                    $(c.collect::<$ty>();)*
                    c.collect::<$out>();
                },
            },
        )*];

        /// Runs one of this module's commands from JSON: the gate first, then the arguments.
        /// `Err(args)`: not a command of this module.
        pub(crate) fn dispatch<'s>(
            state: &'s $crate::AppState,
            name: &str,
            args: serde_json::Value,
        ) -> Result<$crate::command::Running<'s>, serde_json::Value> {
            match name {
                $(stringify!($name) => Ok(Box::pin(async move {
                    let cx = <$crate::command::gates::$gate as $crate::command::Gate>::admit(state)?;
                    #[derive(serde::Deserialize)]
                    #[serde(deny_unknown_fields)]
                    #[allow(dead_code)]
                    struct Args { $($arg: $ty),* }
                    let _parsed: Args = $crate::command::parse_args(stringify!($name), args)?;
                    $crate::command::to_value($name(cx $(, _parsed.$arg)*).await?)
                })),)*
                _ => Err(args),
            }
        }
    };
}
pub(crate) use commands;

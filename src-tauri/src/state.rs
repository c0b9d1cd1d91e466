//! State shared by all commands for the lifetime of the app: the open store.

use ansinh_store::Store;

/// Everything the commands share.
pub struct AppState {
    pub store: Store,
}

//! A plain SQLite statement loop on a connection's own handle, for the one read that streams
//! millions of rows (the indicator facts). sqlx hands every row from its worker thread to the
//! caller as an owned copy, about 8 µs a row (two minutes for a city's payments and
//! withdrawals); stepping the statement here reads the values in place.
//!
//! Safety by construction, not by convention: a [`Db`] is made only from a mutable borrow of
//! sqlx's [`LockedSqliteHandle`] (which keeps sqlx's worker off the connection while held), and
//! every [`Stmt`] borrows that `Db`, so a statement cannot outlive the lock (it is finalized
//! before the guard is released) and two threads cannot use one connection (`Db` moves to a
//! thread whole; `&Db` does not cross threads). This is the only module of the workspace with
//! `unsafe` code; every other module and crate forbids it.

use crate::error::{Result, StoreError};
use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;
use std::ffi::CStr;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A connection's handle for as long as its lock guard is borrowed. Not `Clone`, not `Sync`:
/// one thread uses it at a time.
pub(crate) struct Db<'g> {
    handle: NonNull<ffi::sqlite3>,
    /// Holds the guard's mutable borrow; `Cell` makes `Db` `!Sync`.
    _guard: PhantomData<(&'g mut (), std::cell::Cell<()>)>,
}

impl<'g> Db<'g> {
    pub fn new(guard: &'g mut LockedSqliteHandle<'_>) -> Db<'g> {
        Db { handle: guard.as_raw_handle(), _guard: PhantomData }
    }
}

// SAFETY: SQLite (built thread-safe) allows a connection on any thread as long as no two threads
// use it at once. A `Db` is the only user of its locked connection (the guard is mutably
// borrowed for its whole life), it is not `Clone`, and `!Sync` keeps `&Db` (held by statements)
// on one thread; moving the whole `Db` to a scoped thread moves that sole use with it.
unsafe impl Send for Db<'_> {}

/// Column values as the facts loader reads them, from a sqlx row or a raw one alike.
pub(crate) trait Cols {
    /// Text, or None for NULL.
    fn text(&self, i: usize) -> Option<&str>;
    /// An integer (NULL reads as 0, as SQLite converts it).
    fn int(&self, i: usize) -> i64;
    fn opt_int(&self, i: usize) -> Option<i64>;
    /// Text, NULL read as "" (for NOT NULL columns).
    fn str(&self, i: usize) -> &str {
        self.text(i).unwrap_or("")
    }
}

impl Cols for sqlx::sqlite::SqliteRow {
    fn text(&self, i: usize) -> Option<&str> {
        sqlx::Row::get(self, i)
    }
    fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or(0)
    }
    fn opt_int(&self, i: usize) -> Option<i64> {
        sqlx::Row::get(self, i)
    }
}

fn error(db: NonNull<ffi::sqlite3>, what: &str) -> StoreError {
    // SAFETY: the handle is open; sqlite3_errmsg returns a NUL-terminated string it owns.
    let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())) }.to_string_lossy().into_owned();
    StoreError::Db(sqlx::Error::Protocol(format!("{what}: {msg}")))
}

/// One prepared statement, borrowing its locked connection.
pub(crate) struct Stmt<'d> {
    db: &'d Db<'d>,
    raw: NonNull<ffi::sqlite3_stmt>,
}

impl<'d> Stmt<'d> {
    pub fn prepare(db: &'d Db<'d>, sql: &str) -> Result<Stmt<'d>> {
        let mut raw = std::ptr::null_mut();
        // SAFETY: the handle is open and locked for as long as `db` is borrowed; the SQL
        // pointer and length are a valid &str for the call.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                db.handle.as_ptr(),
                sql.as_ptr().cast(),
                sql.len() as i32,
                &mut raw,
                std::ptr::null_mut(),
            )
        };
        match NonNull::new(raw) {
            Some(raw) if rc == ffi::SQLITE_OK => Ok(Stmt { db, raw }),
            _ => Err(error(db.handle, "prepare")),
        }
    }

    /// Binds text to the `i`th parameter (from 1), copied by SQLite.
    pub fn bind_text(&mut self, i: i32, text: &str) -> Result<()> {
        // SAFETY: the statement is prepared and not finalized; SQLITE_TRANSIENT makes SQLite
        // copy the text before the call returns, so `text` need not outlive it.
        let rc = unsafe {
            ffi::sqlite3_bind_text(
                self.raw.as_ptr(),
                i,
                text.as_ptr().cast(),
                text.len() as i32,
                ffi::SQLITE_TRANSIENT(),
            )
        };
        if rc == ffi::SQLITE_OK { Ok(()) } else { Err(error(self.db.handle, "bind")) }
    }

    /// The next row, valid until the next call.
    pub fn next(&mut self) -> Result<Option<RawRow<'_>>> {
        // SAFETY: the statement is prepared and not finalized.
        match unsafe { ffi::sqlite3_step(self.raw.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(Some(RawRow { stmt: self })),
            ffi::SQLITE_DONE => Ok(None),
            _ => Err(error(self.db.handle, "step")),
        }
    }
}

impl Drop for Stmt<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized exactly once, here.
        unsafe { ffi::sqlite3_finalize(self.raw.as_ptr()) };
    }
}

pub(crate) struct RawRow<'s> {
    stmt: &'s Stmt<'s>,
}

impl Cols for RawRow<'_> {
    fn text(&self, i: usize) -> Option<&str> {
        let s = self.stmt.raw.as_ptr();
        // SAFETY: the row is current (the borrow of the statement stops the next step);
        // column_text's buffer lives until then and column_bytes gives its length.
        unsafe {
            let p = ffi::sqlite3_column_text(s, i as i32);
            if p.is_null() {
                return None;
            }
            let bytes = std::slice::from_raw_parts(p, ffi::sqlite3_column_bytes(s, i as i32) as usize);
            // Everything stored was written from Rust strings; anything else reads as absent.
            std::str::from_utf8(bytes).ok()
        }
    }

    fn int(&self, i: usize) -> i64 {
        // SAFETY: as above.
        unsafe { ffi::sqlite3_column_int64(self.stmt.raw.as_ptr(), i as i32) }
    }

    fn opt_int(&self, i: usize) -> Option<i64> {
        // SAFETY: as above.
        let null = unsafe { ffi::sqlite3_column_type(self.stmt.raw.as_ptr(), i as i32) } == ffi::SQLITE_NULL;
        (!null).then(|| self.int(i))
    }
}

/// Runs `f` where blocking is allowed: the facts load steps SQLite for seconds.
pub(crate) fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

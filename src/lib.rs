//! shellguard: a safety net for the shell.
pub mod snapshot;

//! shellguard: a safety net for the shell.
//!
//! `syntax` turns shell text into simple commands, `interp` expands them the way bash
//! would (statically), `analyze` says what each guarded program would touch, `policy`
//! and `judge` turn that into verdicts, `report` prints them.

pub mod analyze;
pub mod audit;
pub mod cli;
pub mod cmd;
pub mod confirm;
pub mod context;
pub mod error;
pub mod exec;
pub mod freeze;
pub mod guard;
pub mod interp;
pub mod judge;
pub mod model;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod review;
pub mod rules;
pub mod snapshot;
pub mod state;
pub mod syntax;

//! shellguard: a safety net for the shell.
//!
//! `syntax` turns shell text into simple commands, `interp` expands them the way bash
//! would (statically), `analyze` says what each guarded program would touch, `policy`
//! and `judge` turn that into verdicts, `report` prints them.

pub mod analyze;
pub mod context;
pub mod model;
pub mod resolve;
pub mod rules;

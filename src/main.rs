//! The binary: `shellguard SUBCOMMAND ...`, or a guarded program when invoked through a
//! shim named after it (`rm`, `rsync`, ...).
//!
//! `no_main`: std's runtime start-up probes the main thread's stack (reading
//! /proc/self/maps) to install a stack-overflow handler, about a fifth of everything a
//! harmless guarded `rm` costs; shellguard needs neither that nor SIGPIPE ignored.
#![no_main]

use clap::Parser;

use shellguard::cli::Cli;
use shellguard::cmd::run::{Outcome, Request};
use shellguard::cmd::{self, ExitCode};
use shellguard::context::Context;
use shellguard::error::Error;

#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let result = match cmd::multicall_name(&argv0) {
        Some(name) => {
            let argv = std::iter::once(name.into()).chain(args).collect();
            cmd::run::run(
                Context::from_process(),
                Request {
                    argv,
                    ..Request::default()
                },
            )
        }
        None => cmd::run(Cli::parse()),
    };
    match result {
        Ok(Outcome::Code(code)) => std::process::exit(code as i32),
        Ok(Outcome::Program(ended)) => ended.propagate(),
        Err(error) => {
            eprintln!("shellguard: {error}");
            let code = match error {
                Error::Usage(_) => ExitCode::Usage,
                _ => ExitCode::Error,
            };
            std::process::exit(code as i32);
        }
    }
}

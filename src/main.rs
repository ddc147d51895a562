use clap::Parser;

// Review allocates many small strings (words, paths); mimalloc halves their cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use shellguard::cli::Cli;
use shellguard::cmd::{self, ExitCode};
use shellguard::error::Error;

fn main() {
    let cli = Cli::parse();
    let code = match cmd::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("shellguard: {error}");
            match error {
                Error::Usage(_) => ExitCode::Usage,
                _ => ExitCode::Error,
            }
        }
    };
    std::process::exit(code as i32);
}

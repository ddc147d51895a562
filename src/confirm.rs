//! Asking the person at the terminal — always on `/dev/tty`, never on stdin, which may be
//! the data a command reads (`crontab -`, `rm -i < list`).

use std::fs::OpenOptions;

use rustyline::config::{Behavior, Config};

/// What has to be typed to go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// y/yes; anything else (including just Enter) is no.
    YesNo,
    /// The host name typed out, as molly-guard asks before a reboot.
    HostName(String),
}

/// True when there is a terminal to ask on.
pub fn terminal_available() -> bool {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// Asks `question`; Ok(true) only for the right answer. Err when there is no terminal.
pub fn ask(question: &str, challenge: &Challenge) -> std::io::Result<bool> {
    if !terminal_available() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no terminal to ask on",
        ));
    }
    let config = Config::builder()
        .behavior(Behavior::PreferTerm)
        .auto_add_history(false)
        .build();
    let mut editor =
        rustyline::DefaultEditor::with_config(config).map_err(std::io::Error::other)?;
    let prompt = match challenge {
        Challenge::YesNo => format!("{question} [y/N] "),
        Challenge::HostName(host) => format!("{question}\nType the host name ({host}) to go on: "),
    };
    let answer = match editor.readline(&prompt) {
        Ok(line) => line,
        // Ctrl-C / Ctrl-D: no.
        Err(_) => return Ok(false),
    };
    let answer = answer.trim();
    Ok(match challenge {
        Challenge::YesNo => matches!(answer.to_lowercase().as_str(), "y" | "yes"),
        Challenge::HostName(host) => answer == host || answer.eq_ignore_ascii_case(host),
    })
}

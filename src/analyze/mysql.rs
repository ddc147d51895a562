//! MySQL and MariaDB clients: `mysql`/`mariadb` and `mysqladmin`/`mariadb-admin`.
//!
//! `mysql` runs SQL from `-e`/`--execute`, `--init-command`, or standard input (a
//! heredoc or `echo ... |` is read; an unknown pipe or `< dump.sql` is `unknown-code`;
//! an interactive terminal is fine). Statements are scanned by [`super::sql`] (MySQL
//! dialect: `#` comments, backslash escapes, `/*! */` code, `DELIMITER`, `source FILE`
//! followed, `use DB` tracked); destructive ones are `database-destructive`. With
//! `--safe-updates` (`-U`, `--i-am-a-dummy`) the server itself refuses DELETE and UPDATE
//! without a key in their WHERE, so those are not flagged. `mysqladmin drop DB` is
//! `database-destructive` (it asks y/N itself unless `-f`).
//!
//! The server is `-h`/`--host` or `$MYSQL_HOST` (`Analysis.acts_on`); `-S`/`--socket`,
//! no host, or localhost means this machine. Passwords (`-pSECRET`) are skipped and never
//! shown.
//!
//! Not covered: option files (`~/.my.cnf`, `--defaults-file`, `--login-path`) choosing
//! the server, SQL hidden in variables or unreadable files (`unknown-code`), stored
//! procedures that are called, and migration tools.

use std::ffi::OsString;

use super::opts::{self, OptDef, flag, optional, valued};
use super::sql::{Dialect, Server, Session};
use super::{Analysis, Arg, Invocation, Stdin};
use crate::model::Verdict;
use crate::rules::Rule;

const CONNECTION: &[OptDef] = &[
    valued("host", Some('h'), Some("host")),
    valued("port", Some('P'), Some("port")),
    valued("socket", Some('S'), Some("socket")),
    valued("x", Some('u'), Some("user")),
    optional("x", "password"),
    valued("x", None, Some("protocol")),
    valued("x", None, Some("defaults-file")),
    valued("x", None, Some("defaults-extra-file")),
    valued("x", None, Some("defaults-group-suffix")),
    valued("x", None, Some("login-path")),
    valued("x", None, Some("default-character-set")),
    valued("x", None, Some("character-sets-dir")),
    valued("x", None, Some("ssl-ca")),
    valued("x", None, Some("ssl-capath")),
    valued("x", None, Some("ssl-cert")),
    valued("x", None, Some("ssl-cipher")),
    valued("x", None, Some("ssl-key")),
    valued("x", None, Some("ssl-mode")),
    valued("x", None, Some("tls-version")),
    valued("x", None, Some("connect-timeout")),
    valued("x", None, Some("plugin-dir")),
    valued("x", None, Some("default-auth")),
    valued("x", None, Some("bind-address")),
    valued("x", Some('O'), Some("set-variable")),
    flag("exit", Some('V'), Some("version")),
    flag("exit", Some('?'), Some("help")),
    flag("x", Some('C'), Some("compress")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", Some('s'), Some("silent")),
    flag("force", Some('f'), Some("force")),
    flag("x", Some('w'), Some("wait")),
    flag("x", Some('b'), Some("no-beep")),
];

const MYSQL: &[OptDef] = &[
    valued("execute", Some('e'), Some("execute")),
    valued("init", None, Some("init-command")),
    valued("database", Some('D'), Some("database")),
    flag("safe", Some('U'), Some("safe-updates")),
    flag("safe", None, Some("i-am-a-dummy")),
    valued("x", None, Some("delimiter")),
    valued("x", None, Some("tee")),
    optional("x", "pager"),
    valued("x", None, Some("prompt")),
    valued("x", None, Some("max-allowed-packet")),
    valued("x", None, Some("net-buffer-length")),
    valued("x", None, Some("select-limit")),
    valued("x", None, Some("max-join-size")),
    flag("x", Some('B'), Some("batch")),
    flag("x", Some('N'), Some("skip-column-names")),
    flag("x", Some('t'), Some("table")),
    flag("x", Some('E'), Some("vertical")),
    flag("x", Some('A'), Some("no-auto-rehash")),
    flag("x", Some('r'), Some("raw")),
    flag("x", Some('X'), Some("xml")),
    flag("x", Some('H'), Some("html")),
    flag("x", Some('n'), Some("unbuffered")),
    flag("x", Some('q'), Some("quick")),
    flag("x", Some('o'), Some("one-database")),
    flag("x", Some('i'), Some("ignore-spaces")),
    flag("x", Some('c'), Some("comments")),
    flag("x", Some('L'), Some("skip-line-numbers")),
    flag("x", Some('G'), Some("named-commands")),
    flag("x", Some('g'), Some("no-named-commands")),
    flag("x", Some('j'), Some("syslog")),
    flag("x", None, Some("binary-mode")),
    flag("x", None, Some("column-names")),
    flag("x", None, Some("line-numbers")),
    flag("x", None, Some("auto-rehash")),
];

const MYSQLADMIN: &[OptDef] = &[
    valued("x", Some('c'), Some("count")),
    valued("x", Some('i'), Some("sleep")),
    flag("x", Some('r'), Some("relative")),
    flag("x", Some('E'), Some("vertical")),
    flag("x", Some('K'), Some("ssl")),
];

/// Drops `-pSECRET`/`-p` (the password is attached or prompted for, never the next
/// argument), so that its letters are not read as bundled flags such as `-e`.
fn without_password(args: &[Arg]) -> Vec<Arg> {
    args.iter()
        .filter(|a| !(a.exact && a.text().starts_with("-p")))
        .cloned()
        .collect()
}

fn defs(own: &[OptDef]) -> Vec<OptDef> {
    CONNECTION.iter().chain(own).copied().collect()
}

fn server(inv: &Invocation, parsed: &opts::Parsed) -> Server {
    let var = |name: &str| inv.var(name).filter(|v| !v.is_empty()).map(str::to_string);
    let opt = |key: &str| {
        parsed
            .value(key)
            .map(|v: &OsString| v.to_string_lossy().into_owned())
    };
    let socket = parsed.has("socket");
    Server {
        host: if socket {
            None
        } else {
            opt("host").or_else(|| var("MYSQL_HOST"))
        },
        port: opt("port").or_else(|| var("MYSQL_TCP_PORT")),
        db: opt("database").or_else(|| parsed.operands.first().map(|a| a.text().into_owned())),
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    match inv.name {
        "mysqladmin" | "mariadb-admin" => mysqladmin(inv),
        _ => mysql(inv),
    }
}

fn mysql(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let args = without_password(inv.args);
    let defs = defs(MYSQL);
    let parsed = opts::parse(&defs, &args);
    if parsed.has("exit") {
        return analysis;
    }
    let mut session = Session::new(inv, Dialect::MySql, server(inv, &parsed), &mut analysis);
    session.safe_updates = parsed.has("safe");
    let mut reads_stdin = true;
    for (key, value) in &parsed.options {
        let Some(text) = value.as_ref().map(|v| v.to_string_lossy()) else {
            continue;
        };
        match *key {
            "init" => session.text(&text, inv.cwd, &mut analysis),
            "execute" => {
                reads_stdin = false;
                let inexact = inv.args.iter().any(|a| !a.exact && a.text() == text);
                if inexact && super::inline::is_wholly_hidden(&text) {
                    analysis.reason(
                        Rule::UnknownCode,
                        Verdict::Confirm,
                        format!(
                            "mysql runs the SQL in '{text}' on {}, which is only known when it runs",
                            session.server.describe()
                        ),
                    );
                } else {
                    session.text(&text, inv.cwd, &mut analysis);
                }
            }
            _ => {}
        }
    }
    if reads_stdin {
        match &inv.stdin {
            Stdin::Terminal => {}
            Stdin::Data(Some(text)) => session.text(text, inv.cwd, &mut analysis),
            Stdin::Data(None) | Stdin::Unknown => session.unseen_input(&mut analysis),
        }
    }
    session.finish(&mut analysis);
    analysis
}

fn mysqladmin(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let args = without_password(inv.args);
    let defs = defs(MYSQLADMIN);
    let parsed = opts::parse(&defs, &args);
    if parsed.has("exit") {
        return analysis;
    }
    let mut server = server(inv, &parsed);
    server.db = None;
    analysis.acts_on = server.remote_host();
    let words = opts::texts(&parsed.operands);
    for pair in words.windows(2) {
        if !pair[0].eq_ignore_ascii_case("drop") {
            continue;
        }
        let asks = if parsed.has("force") {
            "without asking (-f)"
        } else {
            "after a y/N question"
        };
        analysis
            .reason(
                Rule::DatabaseDestructive,
                Verdict::Confirm,
                format!(
                    "mysqladmin drop deletes the database {} on {}, every table and row in it, {asks}; shellguard \
                     cannot snapshot a database, so there is no undo",
                    pair[1],
                    server.describe()
                ),
            )
            .instead(format!("take a dump first (mysqldump --databases {0} > {0}.sql)", pair[1]));
    }
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attached_password_is_not_read_as_flags() {
        let args: Vec<Arg> = ["-uroot", "-pse3cret", "shop"]
            .iter()
            .map(|s| Arg::exact(*s))
            .collect();
        let filtered = without_password(&args);
        let parsed = opts::parse(&defs(MYSQL), &filtered);
        assert!(!parsed.has("execute"));
        assert_eq!(parsed.operands[0].text(), "shop");
    }
}

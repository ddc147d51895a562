//! PostgreSQL clients: `psql` and `dropdb`.
//!
//! `psql` runs SQL from `-c`, `-f FILE` (read here when it is a small local file, `-f -`
//! is standard input), or standard input (a heredoc or `echo ... |` is read; an unknown
//! pipe or `< file` is `unknown-code`, an interactive terminal is fine). The statements
//! are scanned by [`super::sql`]; destructive ones are `database-destructive` (confirm,
//! blocked by the judge when the server's host is production). psql's `\i`/`\ir` files
//! are followed and `\c` switches the database named in messages. `dropdb DB` is always
//! `database-destructive`.
//!
//! The server is `-h`/`--host`, a connection string (`-d`, or the first operand, as URI
//! or `key=value`), or `$PGHOST` from the environment; it becomes `Analysis.acts_on` so
//! that the policy's `[[environment]]` globs decide production. No host, a socket
//! directory, or localhost means this machine.
//!
//! Not covered: SQL hidden in variables (`psql -c "$SQL"` is `unknown-code`, but a
//! variable inside otherwise visible SQL is read as written), files that cannot be read
//! (`unknown-code`), a `PGHOST=... psql` prefix assignment or a service file
//! (`PGSERVICE`, `~/.pg_service.conf`) choosing the server, `pg_restore --clean`, and
//! migration tools and ORMs.

use super::opts::{self, OptDef, flag, optional, valued};
use super::sql::{self, Dialect, Server, Session};
use super::{Analysis, Invocation, Stdin};
use crate::model::Verdict;
use crate::rules::Rule;

const PSQL: &[OptDef] = &[
    valued("command", Some('c'), Some("command")),
    valued("dbname", Some('d'), Some("dbname")),
    valued("file", Some('f'), Some("file")),
    valued("host", Some('h'), Some("host")),
    valued("port", Some('p'), Some("port")),
    valued("user", Some('U'), Some("username")),
    valued("x", Some('v'), Some("set")),
    valued("x", None, Some("variable")),
    valued("x", Some('L'), Some("log-file")),
    valued("x", Some('o'), Some("output")),
    valued("x", Some('P'), Some("pset")),
    valued("x", Some('R'), Some("record-separator")),
    valued("x", Some('F'), Some("field-separator")),
    valued("x", Some('T'), Some("table-attr")),
    flag("list", Some('l'), Some("list")),
    flag("exit", Some('V'), Some("version")),
    flag("exit", Some('?'), None),
    optional("exit", "help"),
    flag("x", Some('X'), Some("no-psqlrc")),
    flag("x", Some('1'), Some("single-transaction")),
    flag("x", Some('a'), Some("echo-all")),
    flag("x", Some('b'), Some("echo-errors")),
    flag("x", Some('e'), Some("echo-queries")),
    flag("x", Some('E'), Some("echo-hidden")),
    flag("x", Some('n'), Some("no-readline")),
    flag("x", Some('q'), Some("quiet")),
    flag("x", Some('s'), Some("single-step")),
    flag("x", Some('S'), Some("single-line")),
    flag("x", Some('A'), Some("no-align")),
    flag("x", None, Some("csv")),
    flag("x", Some('H'), Some("html")),
    flag("x", Some('t'), Some("tuples-only")),
    flag("x", Some('x'), Some("expanded")),
    flag("x", Some('z'), Some("field-separator-zero")),
    flag("x", Some('0'), Some("record-separator-zero")),
    flag("x", Some('w'), Some("no-password")),
    flag("x", Some('W'), Some("password")),
];

const DROPDB: &[OptDef] = &[
    valued("host", Some('h'), Some("host")),
    valued("port", Some('p'), Some("port")),
    valued("user", Some('U'), Some("username")),
    valued("maintenance", None, Some("maintenance-db")),
    flag("x", Some('e'), Some("echo")),
    flag("force", Some('f'), Some("force")),
    flag("x", Some('i'), Some("interactive")),
    flag("x", None, Some("if-exists")),
    flag("exit", Some('V'), Some("version")),
    flag("exit", Some('?'), Some("help")),
    flag("x", Some('w'), Some("no-password")),
    flag("x", Some('W'), Some("password")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    match inv.name {
        "dropdb" => dropdb(inv),
        _ => psql(inv),
    }
}

/// The server from the options, a connection string, then the environment.
fn server(
    inv: &Invocation,
    parsed: &opts::Parsed,
    conn: Option<&str>,
    db: Option<String>,
) -> Server {
    let var = |name: &str| inv.var(name).filter(|v| !v.is_empty()).map(str::to_string);
    let mut server = Server {
        host: var("PGHOST").or_else(|| var("PGHOSTADDR")),
        port: var("PGPORT"),
        db: var("PGDATABASE"),
    };
    if let Some(conn) = conn {
        sql::apply_conninfo(conn, &mut server);
    }
    if db.is_some() {
        server.db = db;
    }
    let opt = |key: &str| parsed.value(key).map(|v| v.to_string_lossy().into_owned());
    if let Some(h) = opt("host") {
        server.host = Some(h.split(',').next().unwrap_or("").to_string());
    }
    if let Some(p) = opt("port") {
        server.port = Some(p);
    }
    if server.db.is_none() {
        // psql connects to the database named like the user by default.
        server.db = opt("user").or_else(|| var("PGUSER"));
    }
    server
}

fn psql(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(PSQL, inv.args);
    if parsed.has("exit") || parsed.has("list") {
        return analysis;
    }
    // The database: -d, or the first operand; either may be a connection string.
    let named = parsed
        .value("dbname")
        .map(|v| v.to_string_lossy().into_owned())
        .or_else(|| parsed.operands.first().map(|a| a.text().into_owned()));
    let (conn, db) = match named {
        Some(n) if sql::is_conninfo(&n) => (Some(n), None),
        other => (None, other),
    };
    let server = server(inv, &parsed, conn.as_deref(), db);
    let mut session = Session::new(inv, Dialect::Postgres, server, &mut analysis);
    let mut reads_stdin = true;
    for (key, value) in &parsed.options {
        let Some(value) = value else { continue };
        let text = value.to_string_lossy();
        match *key {
            "command" => {
                reads_stdin = false;
                command(&mut session, inv, &text, &mut analysis);
            }
            "file" if text == "-" => {
                reads_stdin = false;
                stdin(&mut session, inv, &mut analysis);
            }
            "file" => {
                reads_stdin = false;
                session.file(&text, inv.cwd, &mut analysis);
            }
            _ => {}
        }
    }
    if reads_stdin {
        stdin(&mut session, inv, &mut analysis);
    }
    session.finish(&mut analysis);
    analysis
}

/// `-c TEXT`: read as written when the shell could not expand all of it, but a command
/// that is nothing but a variable or a substitution cannot be seen at all.
fn command(session: &mut Session, inv: &Invocation, text: &str, analysis: &mut Analysis) {
    let inexact = inv.args.iter().any(|a| !a.exact && a.text() == text);
    if inexact && super::inline::is_wholly_hidden(text) {
        analysis.reason(
            Rule::UnknownCode,
            Verdict::Confirm,
            format!(
                "psql runs the SQL in '{text}' on {}, which is only known when it runs",
                session.server.describe()
            ),
        );
        return;
    }
    session.text(text, inv.cwd, analysis);
}

fn stdin(session: &mut Session, inv: &Invocation, analysis: &mut Analysis) {
    match &inv.stdin {
        Stdin::Terminal => {}
        Stdin::Data(Some(text)) => session.text(text, inv.cwd, analysis),
        Stdin::Data(None) | Stdin::Unknown => session.unseen_input(analysis),
    }
}

fn dropdb(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(DROPDB, inv.args);
    if parsed.has("exit") {
        return analysis;
    }
    let Some(db) = parsed.operands.last() else {
        return analysis;
    };
    let mut server = server(inv, &parsed, None, None);
    server.db = None; // the database is the one being dropped, not where dropdb connects
    analysis.acts_on = server.remote_host();
    analysis
        .reason(
            Rule::DatabaseDestructive,
            Verdict::Confirm,
            format!(
                "dropdb deletes the database {} on {}, every table and row in it{}; shellguard cannot snapshot a \
                 database, so there is no undo",
                db.text(),
                server.describe(),
                if parsed.has("force") {
                    ", and --force first disconnects everyone using it"
                } else {
                    ""
                }
            ),
        )
        .instead(format!(
            "take a dump first (pg_dump -Fc {} > {}.dump), and check the server with -h",
            db.text(),
            db.text()
        ));
    analysis
}

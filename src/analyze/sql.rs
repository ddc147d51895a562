//! A small SQL statement scanner shared by the database clients (`psql`, `mysql`): it
//! splits a script into statements the way the clients do — `;` (or MySQL's `DELIMITER`),
//! comments (`--`, `#` in MySQL, `/* */`, nested in PostgreSQL; MySQL's `/*! ... */`
//! counts as code), string literals (`'...'`, `E'...'`, `$tag$...$tag$`) and quoted
//! identifiers (`"..."`, `` `...` ``) — and flags the statements that destroy data:
//!
//! - `DROP DATABASE`, `DROP SCHEMA`, `DROP TABLE` (also `IF EXISTS`), PostgreSQL
//!   `DROP OWNED BY`, and `DROP TYPE|DOMAIN|EXTENSION ... CASCADE` (which drops the
//!   columns of that type);
//! - `TRUNCATE`;
//! - `DELETE` and `UPDATE` without a `WHERE` (or with an always-true one such as
//!   `WHERE 1=1`); a join condition (`DELETE t FROM t JOIN u ON ...`) counts as a filter;
//! - `ALTER TABLE ... DROP [COLUMN] c`, `DROP PARTITION`, `TRUNCATE PARTITION`;
//! - MariaDB's `CREATE OR REPLACE TABLE`;
//! - the same inside data-modifying CTEs (`WITH d AS (DELETE FROM t) ...`) and under
//!   `EXPLAIN ANALYZE`, which runs the statement (plain `EXPLAIN` does not).
//!
//! `DROP INDEX`, `DROP VIEW` (and materialized views), functions, sequences, roles and
//! temporary tables lose no stored data (an index or a view is rebuilt from the tables),
//! so they are allowed; `DROP SCHEMA` is flagged even without `CASCADE`, since in MySQL
//! it is `DROP DATABASE`.
//!
//! Client commands are returned in order so the clients can follow them: psql `\i FILE`,
//! `\ir`, `\c DB`; mysql `source FILE`, `\. FILE`, `use DB`. Other backslash commands
//! (`\dt`, `\x`, `\! shell`) are skipped. Not covered: SQL built inside the server
//! (`EXECUTE format(...)`, stored procedures being called), `\gexec`.

use std::path::{Path, PathBuf};

use super::{Analysis, Invocation};
use crate::model::Verdict;
use crate::rules::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    MySql,
}

/// One thing a script does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Destructive(Destruction),
    /// A client command: `i`, `ir`, `c` (psql), `source`, `.`, `use`, `u` (mysql), with
    /// its arguments.
    Meta {
        command: String,
        args: Vec<String>,
    },
}

/// A statement that destroys data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destruction {
    /// The statement as shown in messages: `DROP TABLE users`.
    pub statement: String,
    /// What is lost, in words: `deletes the table users and every row in it`.
    pub loss: String,
    /// A DELETE or UPDATE that no WHERE restricts (MySQL's `--safe-updates` refuses those).
    pub unfiltered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Word,
    /// `"name"` or `` `name` ``
    Quoted,
    Str,
    Num,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    /// As written.
    text: String,
}

impl Tok {
    fn is_word(&self, upper: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(upper)
    }

    fn is(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }

    fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }
}

/// Scans `text` into its destructive statements and client commands.
pub fn scan(text: &str, dialect: Dialect) -> Vec<Item> {
    let mut s = Scanner {
        chars: text.chars().collect(),
        i: 0,
        dialect,
        delimiter: ";".to_string(),
        tokens: Vec::new(),
        out: Vec::new(),
        line_start: true,
        atomic: 0,
        case: 0,
        exec_comments: 0,
    };
    s.run();
    s.out
}

struct Scanner {
    chars: Vec<char>,
    i: usize,
    dialect: Dialect,
    delimiter: String,
    tokens: Vec<Tok>,
    out: Vec<Item>,
    line_start: bool,
    /// PostgreSQL `BEGIN ATOMIC ... END` bodies (SQL-standard function bodies) contain `;`.
    atomic: usize,
    case: usize,
    /// Open MySQL `/*! ... */` comments, whose content is code.
    exec_comments: usize,
}

impl Scanner {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c))
    }

    fn rest_of_line(&mut self) -> String {
        let mut line = String::new();
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                break;
            }
            line.push(c);
            self.i += 1;
        }
        line
    }

    fn flush(&mut self) {
        let tokens = std::mem::take(&mut self.tokens);
        self.atomic = 0;
        self.case = 0;
        if let Some(d) = classify(&tokens, self.dialect) {
            self.out.push(Item::Destructive(d));
        }
    }

    fn push(&mut self, kind: Kind, text: String) {
        self.tokens.push(Tok { kind, text });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                self.line_start = true;
                self.i += 1;
                continue;
            }
            if c.is_whitespace() {
                self.i += 1;
                continue;
            }
            if self.line_start
                && self.tokens.is_empty()
                && self.dialect == Dialect::MySql
                && self.mysql_command()
            {
                continue;
            }
            self.line_start = false;
            if self.atomic == 0 && self.starts_with(&self.delimiter.clone()) {
                self.i += self.delimiter.chars().count();
                self.flush();
                continue;
            }
            if self.starts_with("--") {
                self.rest_of_line();
                continue;
            }
            if c == '#' && self.dialect == Dialect::MySql {
                self.rest_of_line();
                continue;
            }
            if self.starts_with("/*") {
                self.block_comment();
                continue;
            }
            if self.exec_comments > 0 && self.starts_with("*/") {
                self.exec_comments -= 1;
                self.i += 2;
                continue;
            }
            match c {
                '\'' => {
                    let escapes = self.dialect == Dialect::MySql || self.take_e_prefix();
                    self.i += 1;
                    let body = self.quoted('\'', escapes);
                    self.push(Kind::Str, format!("'{body}'"));
                }
                '"' => {
                    self.i += 1;
                    if self.dialect == Dialect::MySql {
                        let body = self.quoted('"', true);
                        self.push(Kind::Str, format!("\"{body}\""));
                    } else {
                        let body = self.quoted('"', false);
                        self.push(Kind::Quoted, format!("\"{body}\""));
                    }
                }
                '`' if self.dialect == Dialect::MySql => {
                    self.i += 1;
                    let body = self.quoted('`', false);
                    self.push(Kind::Quoted, format!("`{body}`"));
                }
                '$' if self.dialect == Dialect::Postgres && self.dollar_quote() => {}
                '$' if self.shell_variable() => {}
                '\\' => self.backslash(),
                c if c.is_alphabetic() || c == '_' => {
                    let mut word = String::new();
                    while let Some(c) = self
                        .peek(0)
                        .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                    {
                        word.push(c);
                        self.i += 1;
                    }
                    self.word(word);
                }
                c if c.is_ascii_digit() => {
                    let mut num = String::new();
                    while let Some(c) = self
                        .peek(0)
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    {
                        num.push(c);
                        self.i += 1;
                    }
                    self.push(Kind::Num, num);
                }
                c => {
                    self.i += 1;
                    self.push(Kind::Punct(c), c.to_string());
                }
            }
        }
        self.flush();
    }

    fn word(&mut self, word: String) {
        if self.dialect == Dialect::Postgres {
            let upper = word.to_ascii_uppercase();
            let after_begin = self.tokens.last().is_some_and(|t| t.is_word("BEGIN"));
            match upper.as_str() {
                "ATOMIC" if after_begin => self.atomic += 1,
                "CASE" if self.atomic > 0 => self.case += 1,
                "END" if self.case > 0 => self.case -= 1,
                "END" if self.atomic > 0 => self.atomic -= 1,
                _ => {}
            }
        }
        self.push(Kind::Word, word);
    }

    /// PostgreSQL `E'...'` strings take backslash escapes.
    fn take_e_prefix(&mut self) -> bool {
        let adjacent = self.i > 0 && matches!(self.chars[self.i - 1], 'e' | 'E');
        if adjacent && self.tokens.last().is_some_and(|t| t.is_word("E")) {
            self.tokens.pop();
            return true;
        }
        false
    }

    /// The body of a quoted string or identifier; the opening quote is consumed.
    fn quoted(&mut self, q: char, escapes: bool) -> String {
        let mut body = String::new();
        while let Some(c) = self.peek(0) {
            self.i += 1;
            if c == '\\' && escapes {
                if let Some(n) = self.peek(0) {
                    body.push(n);
                    self.i += 1;
                }
                continue;
            }
            if c == q {
                if self.peek(0) == Some(q) {
                    body.push(q);
                    self.i += 1;
                    continue;
                }
                break;
            }
            body.push(c);
        }
        body
    }

    /// `$$...$$` or `$tag$...$tag$`; false for `$1` and other dollars.
    fn dollar_quote(&mut self) -> bool {
        let mut k = 1;
        while self
            .peek(k)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            k += 1;
        }
        if self.peek(k) != Some('$') || self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            return false;
        }
        let tag: String = self.chars[self.i..self.i + k + 1].iter().collect();
        self.i += k + 1;
        let mut body = String::new();
        while self.peek(0).is_some() && !self.starts_with(&tag) {
            body.push(self.chars[self.i]);
            self.i += 1;
        }
        self.i = (self.i + tag.chars().count()).min(self.chars.len());
        self.push(Kind::Str, format!("{tag}…{tag}"));
        true
    }

    /// `$NAME` or `${NAME}` left in SQL the shell could not expand: a name all the same.
    fn shell_variable(&mut self) -> bool {
        let braced = self.peek(1) == Some('{');
        let start = self.i;
        let mut k = if braced { 2 } else { 1 };
        while self
            .peek(k)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            k += 1;
        }
        if k == if braced { 2 } else { 1 } || braced && self.peek(k) != Some('}') {
            return false;
        }
        if braced {
            k += 1;
        }
        self.i += k;
        let word: String = self.chars[start..self.i].iter().collect();
        self.push(Kind::Word, word);
        true
    }

    fn block_comment(&mut self) {
        // MySQL `/*!80000 code */` runs the code on servers at least that version.
        if self.dialect == Dialect::MySql && self.peek(2) == Some('!') {
            self.i += 3;
            while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            self.exec_comments += 1;
            return;
        }
        self.i += 2;
        let mut depth = 1;
        while self.peek(0).is_some() && depth > 0 {
            if self.starts_with("*/") {
                depth -= 1;
                self.i += 2;
            } else if self.dialect == Dialect::Postgres && self.starts_with("/*") {
                depth += 1;
                self.i += 2;
            } else {
                self.i += 1;
            }
        }
    }

    /// psql `\cmd args` (to the end of the line or `\\`); mysql `\g`, `\c`, `\. file`, `\u db`.
    fn backslash(&mut self) {
        self.i += 1;
        let mut name = String::new();
        while let Some(c) = self.peek(0).filter(|c| !c.is_whitespace() && *c != '\\') {
            name.push(c);
            self.i += 1;
            // mysql commands are one character: `\G`, `\.file` is unusual but legal.
            if self.dialect == Dialect::MySql {
                break;
            }
        }
        let ends_statement = match self.dialect {
            Dialect::Postgres => name.starts_with('g') || name == ";",
            Dialect::MySql => matches!(name.as_str(), "g" | "G"),
        };
        let resets = match self.dialect {
            Dialect::Postgres => name == "r" || name == "reset",
            Dialect::MySql => name == "c",
        };
        if ends_statement {
            self.flush();
            if self.dialect == Dialect::MySql {
                return;
            }
        }
        if resets {
            self.tokens.clear();
            return;
        }
        if self.dialect == Dialect::MySql
            && !matches!(name.as_str(), "." | "u" | "!" | "d" | "T" | "P")
        {
            return;
        }
        let mut line = self.rest_of_line();
        if self.dialect == Dialect::Postgres
            && let Some(at) = line.find("\\\\")
        {
            // `\c db \\ select 1`: the rest after `\\` is SQL again.
            let rest: Vec<char> = line[at + 2..].chars().collect();
            line.truncate(at);
            let tail = self.chars.split_off(self.i);
            self.chars.extend(rest);
            self.chars.push('\n');
            self.chars.extend(tail);
        }
        if self.dialect == Dialect::MySql && name == "d" {
            if let Some(d) = line.split_whitespace().next() {
                self.delimiter = d.to_string();
            }
            return;
        }
        self.out.push(Item::Meta {
            command: name,
            args: meta_words(&line),
        });
    }

    /// mysql's named commands at the start of a line: `use db`, `source file`,
    /// `delimiter //`. True when one was consumed.
    fn mysql_command(&mut self) -> bool {
        let save = self.i;
        let line = self.rest_of_line();
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("").to_ascii_lowercase();
        let first = first.trim_end_matches(';');
        match first {
            "delimiter" => {
                if let Some(d) = words.next() {
                    self.delimiter = d.to_string();
                }
                true
            }
            "use" | "source" => {
                let rest = line.trim_start()[first.len()..]
                    .trim()
                    .trim_end_matches(';');
                self.out.push(Item::Meta {
                    command: first.to_string(),
                    args: meta_words(rest),
                });
                true
            }
            _ => {
                self.i = save;
                false
            }
        }
    }
}

/// Arguments of a client command: words, with `'...'` and `"..."` quoting.
fn meta_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut has = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                has = true;
            }
            None if c.is_whitespace() => {
                if has || !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                    has = false;
                }
            }
            None => current.push(c),
        }
    }
    if has || !current.is_empty() {
        out.push(current);
    }
    out
}

// ------------------------------------------------------------------ classification

fn classify(t: &[Tok], d: Dialect) -> Option<Destruction> {
    let first = t.first()?;
    if first.is('(') {
        return None;
    }
    if first.kind != Kind::Word {
        return None;
    }
    match first.text.to_ascii_uppercase().as_str() {
        "WITH" => with_query(t, d),
        "EXPLAIN" => explain(t, d),
        "DROP" => drop(t, d),
        "TRUNCATE" => truncate(t),
        "DELETE" => delete(t),
        "UPDATE" => update(t),
        "ALTER" => alter(t),
        "CREATE" => create_or_replace(t),
        _ => None,
    }
}

/// The index of the bracket matching the `(` at `open`.
fn close_of(t: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, tok) in t.iter().enumerate().skip(open) {
        if tok.is('(') {
            depth += 1;
        } else if tok.is(')') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return k;
            }
        }
    }
    t.len()
}

/// Indices of the tokens outside parentheses.
fn top_level(t: &[Tok]) -> impl Iterator<Item = usize> + '_ {
    let mut depth = 0usize;
    t.iter().enumerate().filter_map(move |(k, tok)| {
        if tok.is('(') {
            depth += 1;
            None
        } else if tok.is(')') {
            depth = depth.saturating_sub(1);
            None
        } else {
            (depth == 0).then_some(k)
        }
    })
}

fn word_at(t: &[Tok], k: usize, upper: &str) -> bool {
    t.get(k).is_some_and(|tok| tok.is_word(upper))
}

/// `a.b`, `"a"."b"`: the qualified name starting at `k` and the index after it.
fn name_at(t: &[Tok], mut k: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    loop {
        let tok = t.get(k).filter(|tok| tok.is_name())?;
        name.push_str(&tok.text);
        k += 1;
        if t.get(k).is_some_and(|tok| tok.is('.')) && t.get(k + 1).is_some_and(Tok::is_name) {
            name.push('.');
            k += 1;
        } else {
            return Some((name, k));
        }
    }
}

/// A comma-separated list of names (`a, b.c, "d"`), skipping PostgreSQL's `t *`.
fn names_at(t: &[Tok], mut k: usize) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    while let Some((name, next)) = name_at(t, k) {
        names.push(name);
        k = next;
        if t.get(k).is_some_and(|tok| tok.is('*')) {
            k += 1;
        }
        if t.get(k).is_some_and(|tok| tok.is(',')) {
            k += 1;
        } else {
            break;
        }
    }
    (names, k)
}

fn skip_words(t: &[Tok], mut k: usize, words: &[&str]) -> usize {
    while words.iter().any(|w| word_at(t, k, w)) {
        k += 1;
    }
    k
}

/// Joins tokens for a message, at most `max` characters.
fn render(t: &[Tok], max: usize) -> String {
    let mut out = String::new();
    for (k, tok) in t.iter().enumerate() {
        let glue_before = matches!(tok.kind, Kind::Punct(',' | '.' | ')' | ';'));
        let glue_after_prev = k > 0 && matches!(t[k - 1].kind, Kind::Punct('.' | '('));
        if k > 0 && !glue_before && !glue_after_prev {
            out.push(' ');
        }
        out.push_str(&tok.text);
        if out.chars().count() > max {
            let cut: String = out.chars().take(max).collect();
            return format!("{cut}…");
        }
    }
    out
}

fn list(names: &[String]) -> String {
    match names {
        [] => "?".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn destruction(statement: String, loss: String) -> Option<Destruction> {
    Some(Destruction {
        statement,
        loss,
        unfiltered: false,
    })
}

fn with_query(t: &[Tok], d: Dialect) -> Option<Destruction> {
    let mut k = skip_words(t, 1, &["RECURSIVE"]);
    loop {
        let (_, next) = name_at(t, k)?;
        k = next;
        if t.get(k)?.is('(') {
            k = close_of(t, k) + 1;
        }
        if !word_at(t, k, "AS") {
            return None;
        }
        k = skip_words(t, k + 1, &["NOT", "MATERIALIZED"]);
        if !t.get(k)?.is('(') {
            return None;
        }
        let close = close_of(t, k);
        if let Some(found) = classify(t.get(k + 1..close)?, d) {
            return Some(found);
        }
        k = close + 1;
        if t.get(k).is_some_and(|tok| tok.is(',')) {
            k += 1;
        } else {
            break;
        }
    }
    classify(t.get(k..)?, d)
}

/// `EXPLAIN ANALYZE` runs the statement; plain `EXPLAIN` only plans it.
fn explain(t: &[Tok], d: Dialect) -> Option<Destruction> {
    let mut k = 1;
    let mut analyze = false;
    if t.get(k)?.is('(') {
        let close = close_of(t, k);
        for j in k + 1..close {
            if (t[j].is_word("ANALYZE") || t[j].is_word("ANALYSE"))
                && !(word_at(t, j + 1, "FALSE")
                    || word_at(t, j + 1, "OFF")
                    || t.get(j + 1).is_some_and(|x| x.text == "0"))
            {
                analyze = true;
            }
        }
        k = close + 1;
    }
    loop {
        let tok = t.get(k)?;
        if tok.is_word("ANALYZE") || tok.is_word("ANALYSE") {
            analyze = true;
            k += 1;
        } else if tok.is_word("VERBOSE") || tok.is_word("EXTENDED") || tok.is_word("PARTITIONS") {
            k += 1;
        } else if tok.is_word("FORMAT") {
            k += if t.get(k + 1).is_some_and(|x| x.is('=')) {
                3
            } else {
                2
            };
        } else {
            break;
        }
    }
    if analyze {
        classify(t.get(k..)?, d)
    } else {
        None
    }
}

fn drop(t: &[Tok], d: Dialect) -> Option<Destruction> {
    let temporary = word_at(t, 1, "TEMPORARY") || word_at(t, 1, "TEMP");
    let k = if temporary { 2 } else { 1 };
    let kind = t.get(k)?.text.to_ascii_uppercase();
    let cascade = top_level(t).any(|j| t[j].is_word("CASCADE"));
    let statement = |end: usize| render(&t[..end.min(t.len())], 70);
    match kind.as_str() {
        "DATABASE" | "SCHEMA" if !temporary => {
            let start = skip_words(t, k + 1, &["IF", "EXISTS"]);
            let (names, end) = names_at(t, start);
            let what = if kind == "SCHEMA" && d == Dialect::Postgres {
                if cascade {
                    "and every table in it (CASCADE)"
                } else {
                    "(PostgreSQL refuses unless it is empty; with CASCADE every table in it goes)"
                }
            } else {
                "and every table in it"
            };
            destruction(
                statement(end),
                format!(
                    "deletes the {} {} {what}",
                    kind.to_ascii_lowercase(),
                    list(&names)
                ),
            )
        }
        "TABLE" if !temporary => {
            let start = skip_words(t, k + 1, &["IF", "EXISTS"]);
            let (names, end) = names_at(t, start);
            let (noun, pronoun) = if names.len() > 1 {
                ("tables", "them")
            } else {
                ("table", "it")
            };
            let extra = if cascade {
                ", and CASCADE also drops the views and foreign keys that depend on it"
            } else {
                ""
            };
            destruction(
                statement(end),
                format!(
                    "deletes the {noun} {} and every row in {pronoun}{extra}",
                    list(&names)
                ),
            )
        }
        "OWNED" if d == Dialect::Postgres => {
            let (roles, end) = names_at(t, k + 2);
            destruction(
                statement(end),
                format!(
                    "deletes every object owned by {}, tables and their rows included",
                    list(&roles)
                ),
            )
        }
        "TYPE" | "DOMAIN" | "EXTENSION" if cascade => {
            let start = skip_words(t, k + 1, &["IF", "EXISTS"]);
            let (names, _) = names_at(t, start);
            destruction(
                statement(t.len()),
                format!(
                    "drops the {} {} with CASCADE, which also drops every table column of that type, and its data",
                    kind.to_ascii_lowercase(),
                    list(&names)
                ),
            )
        }
        _ => None,
    }
}

fn truncate(t: &[Tok]) -> Option<Destruction> {
    let k = skip_words(t, 1, &["TABLE", "ONLY"]);
    let (names, end) = names_at(t, k);
    let cascade = t[end..].iter().any(|x| x.is_word("CASCADE"));
    destruction(
        render(&t[..end], 70),
        format!(
            "deletes every row of {}{}",
            list(&names),
            if cascade {
                " and of every table that references it (CASCADE)"
            } else {
                ""
            }
        ),
    )
}

/// Whether a WHERE (that is not always true) or a join condition restricts the rows.
fn filtered(t: &[Tok]) -> (bool, Option<String>) {
    let top: Vec<usize> = top_level(t).collect();
    let mut join = false;
    for (n, &k) in top.iter().enumerate() {
        if t[k].is_word("JOIN") {
            join = true;
        }
        if join && (t[k].is_word("ON") || t[k].is_word("USING")) {
            return (true, None);
        }
        if t[k].is_word("WHERE") {
            let cond: Vec<&Tok> = top[n + 1..]
                .iter()
                .map(|&j| &t[j])
                .take_while(|x| !["RETURNING", "ORDER", "LIMIT"].iter().any(|w| x.is_word(w)))
                .collect();
            let always = match cond.as_slice() {
                [one] => {
                    one.is_word("TRUE")
                        || (one.kind == Kind::Num && !one.text.trim_start_matches('0').is_empty())
                }
                [a, eq, b] => {
                    eq.is('=') && a.text == b.text && matches!(a.kind, Kind::Num | Kind::Str)
                }
                _ => false,
            };
            if always {
                let shown = cond
                    .iter()
                    .map(|x| x.text.as_str())
                    .collect::<Vec<_>>()
                    .join("");
                return (false, Some(shown));
            }
            return (true, None);
        }
    }
    (false, None)
}

fn no_where(always: Option<String>) -> String {
    match always {
        Some(cond) => format!("its WHERE {cond} is always true"),
        None => "it has no WHERE".to_string(),
    }
}

fn delete(t: &[Tok]) -> Option<Destruction> {
    let (restricted, always) = filtered(t);
    if restricted {
        return None;
    }
    let from = top_level(t).find(|&k| t[k].is_word("FROM"))?;
    let (name, _) = name_at(t, skip_words(t, from + 1, &["ONLY"]))?;
    Some(Destruction {
        statement: render(t, 70),
        loss: format!("{}: it deletes every row of {name}", no_where(always)),
        unfiltered: true,
    })
}

fn update(t: &[Tok]) -> Option<Destruction> {
    let (restricted, always) = filtered(t);
    if restricted {
        return None;
    }
    let k = skip_words(t, 1, &["LOW_PRIORITY", "IGNORE", "ONLY"]);
    let (name, _) = name_at(t, k)?;
    top_level(t).find(|&j| t[j].is_word("SET"))?;
    Some(Destruction {
        statement: render(t, 70),
        loss: format!("{}: it changes every row of {name}", no_where(always)),
        unfiltered: true,
    })
}

/// `ALTER TABLE t DROP [COLUMN] c`, `DROP PARTITION p`, `TRUNCATE PARTITION p`.
fn alter(t: &[Tok]) -> Option<Destruction> {
    let k = skip_words(t, 1, &["ONLINE", "IGNORE"]);
    if !word_at(t, k, "TABLE") {
        return None;
    }
    let k = skip_words(t, k + 1, &["IF", "EXISTS", "ONLY"]);
    let (table, start) = name_at(t, k)?;
    let mut columns = Vec::new();
    let mut partitions = Vec::new();
    let top: Vec<usize> = top_level(t).filter(|&j| j >= start).collect();
    for (n, &j) in top.iter().enumerate() {
        let next = |m: usize| top.get(n + m).map(|&x| &t[x]);
        let Some(after) = next(1) else { continue };
        if t[j].is_word("TRUNCATE") && after.is_word("PARTITION") {
            partitions.extend(names_at(t, top.get(n + 2).copied().unwrap_or(t.len())).0);
            continue;
        }
        if !t[j].is_word("DROP") {
            continue;
        }
        let keeps_data = [
            "CONSTRAINT",
            "INDEX",
            "KEY",
            "PRIMARY",
            "FOREIGN",
            "CHECK",
            "DEFAULT",
            "NOT",
            "IDENTITY",
            "EXPRESSION",
            "SYSTEM",
            "PERIOD",
            "ATTRIBUTE",
        ];
        if after.is_word("PARTITION") {
            partitions.extend(names_at(t, top.get(n + 2).copied().unwrap_or(t.len())).0);
        } else if keeps_data.iter().any(|w| after.is_word(w)) {
            continue;
        } else {
            let at = if after.is_word("COLUMN") {
                n + 2
            } else {
                n + 1
            };
            let at = top.get(at).copied().unwrap_or(t.len());
            let at = skip_words(t, at, &["IF", "EXISTS"]);
            if let Some((column, _)) = name_at(t, at) {
                columns.push(column);
            }
        }
    }
    let mut losses = Vec::new();
    if !columns.is_empty() {
        let noun = if columns.len() > 1 {
            "columns"
        } else {
            "column"
        };
        losses.push(format!(
            "drops the {noun} {} of {table} and the data in it",
            list(&columns)
        ));
    }
    if !partitions.is_empty() {
        losses.push(format!(
            "deletes the rows of partition {} of {table}",
            list(&partitions)
        ));
    }
    if losses.is_empty() {
        return None;
    }
    destruction(render(t, 70), losses.join(", and "))
}

/// MariaDB `CREATE OR REPLACE TABLE t ...` drops an existing `t` first.
fn create_or_replace(t: &[Tok]) -> Option<Destruction> {
    if !(word_at(t, 1, "OR") && word_at(t, 2, "REPLACE")) {
        return None;
    }
    let k = skip_words(t, 3, &["TEMPORARY"]);
    if word_at(t, 3, "TEMPORARY") || !word_at(t, k, "TABLE") {
        return None;
    }
    let (name, end) = name_at(t, k + 1)?;
    destruction(
        render(&t[..end], 70),
        format!("drops the existing table {name} and every row in it before creating it anew"),
    )
}

// ------------------------------------------------------------------ servers and files

/// The database server a client talks to, for messages and the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Server {
    pub host: Option<String>,
    pub port: Option<String>,
    pub db: Option<String>,
}

impl Server {
    /// The host when it is another machine: a socket directory, `localhost` or a
    /// loopback address is this one.
    pub fn remote_host(&self) -> Option<String> {
        let host = self.host.as_deref()?.trim();
        let local = host.is_empty()
            || host.starts_with('/')
            || host.starts_with('@')
            || matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]");
        (!local).then(|| host.to_string())
    }

    /// `db1.prod.example.com:5432/app`, or `the local server, database app`.
    pub fn describe(&self) -> String {
        let port = self
            .port
            .as_deref()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        match (self.remote_host(), self.db.as_deref()) {
            (Some(h), Some(db)) => format!("{h}{port}/{db}"),
            (Some(h), None) => format!("{h}{port}"),
            (None, Some(db)) => format!("the local server{port}, database {db}"),
            (None, None) => format!("the local server{port}"),
        }
    }
}

/// Reads a small local file the client would read (`-f FILE`, `\i FILE`, `source FILE`).
pub fn read_small(base: Option<&Path>, name: &str) -> Option<(PathBuf, String)> {
    let raw = Path::new(name);
    let path = if raw.is_absolute() {
        raw.to_path_buf()
    } else {
        base?.join(raw)
    };
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 4 * 1024 * 1024 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    Some((path, text))
}

// ------------------------------------------------------------------ client sessions

/// More destructive statements than this in one script are summed up in one reason.
const SHOWN: usize = 5;
/// `\i` inside `\i` inside ...: deeper includes are not followed.
const MAX_INCLUDE: usize = 4;

/// Walks the statements a client would send, following its client commands (`\i`, `\c`,
/// `source`, `use`), and turns the destructive ones into `database-destructive` reasons.
pub struct Session<'i, 'a> {
    pub inv: &'i Invocation<'a>,
    pub dialect: Dialect,
    pub server: Server,
    /// MySQL `--safe-updates`: the server refuses DELETE/UPDATE without a key in WHERE.
    pub safe_updates: bool,
    found: usize,
    depth: usize,
}

impl<'i, 'a> Session<'i, 'a> {
    pub fn new(
        inv: &'i Invocation<'a>,
        dialect: Dialect,
        server: Server,
        analysis: &mut Analysis,
    ) -> Self {
        analysis.acts_on = server.remote_host();
        Session {
            inv,
            dialect,
            server,
            safe_updates: false,
            found: 0,
            depth: 0,
        }
    }

    fn client(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "psql",
            Dialect::MySql => "mysql",
        }
    }

    /// SQL the client runs; relative `\ir` files are looked for in `base`.
    pub fn text(&mut self, sql: &str, base: Option<&Path>, analysis: &mut Analysis) {
        for item in scan(sql, self.dialect) {
            match item {
                Item::Destructive(d) => self.destructive(d, analysis),
                Item::Meta { command, args } => self.meta(&command, &args, base, analysis),
            }
        }
    }

    /// A file the client reads (`-f FILE`, `\i FILE`, `source FILE`), relative to `base`.
    pub fn file(&mut self, name: &str, base: Option<&Path>, analysis: &mut Analysis) {
        if self.depth >= MAX_INCLUDE {
            return;
        }
        match read_small(base, name) {
            Some((path, text)) => {
                self.depth += 1;
                let dir = path.parent().map(Path::to_path_buf);
                self.text(&text, dir.as_deref().or(base), analysis);
                self.depth -= 1;
            }
            None => {
                analysis.reason(
                    Rule::UnknownCode,
                    Verdict::Confirm,
                    format!(
                        "{} runs the SQL in '{name}' on {}, and review cannot read that file here, so it cannot \
                         tell whether it drops or deletes anything",
                        self.client(),
                        self.server.describe()
                    ),
                );
            }
        }
    }

    /// The client reads SQL from an input review cannot see (a pipe, a file redirection).
    pub fn unseen_input(&self, analysis: &mut Analysis) {
        analysis
            .reason(
                Rule::UnknownCode,
                Verdict::Confirm,
                format!(
                    "{} runs the SQL on its standard input on {}, which review cannot see: it may drop or delete \
                     anything there",
                    self.client(),
                    self.server.describe()
                ),
            )
            .instead("look at the SQL first, or pass it with -f FILE so that review can read it");
    }

    fn meta(
        &mut self,
        command: &str,
        args: &[String],
        base: Option<&Path>,
        analysis: &mut Analysis,
    ) {
        let cwd = self.inv.cwd;
        match (self.dialect, command) {
            (Dialect::Postgres, "i" | "include") | (Dialect::MySql, "source" | ".") => {
                if let Some(file) = args.first() {
                    self.file(file, cwd, analysis);
                }
            }
            (Dialect::Postgres, "ir" | "include_relative") => {
                if let Some(file) = args.first() {
                    self.file(file, base.or(cwd), analysis);
                }
            }
            (Dialect::Postgres, "c" | "connect") => {
                let args: Vec<&String> = args
                    .iter()
                    .filter(|a| !a.starts_with("-reuse-previous"))
                    .collect();
                let set = |value: Option<&&String>, slot: &mut Option<String>| {
                    if let Some(v) = value.filter(|v| v.as_str() != "-") {
                        *slot = Some(v.to_string());
                    }
                };
                if let Some(first) = args.first().filter(|a| is_conninfo(a)) {
                    apply_conninfo(first, &mut self.server);
                } else {
                    set(args.first(), &mut self.server.db);
                    set(args.get(2), &mut self.server.host);
                    set(args.get(3), &mut self.server.port);
                }
            }
            (Dialect::MySql, "use" | "u") => {
                if let Some(db) = args.first() {
                    self.server.db = Some(db.trim_matches('`').to_string());
                }
            }
            _ => {}
        }
    }

    fn destructive(&mut self, d: Destruction, analysis: &mut Analysis) {
        if self.safe_updates && d.unfiltered {
            return;
        }
        self.found += 1;
        if self.found == 1
            && let Some(host) = self.server.remote_host()
        {
            analysis.acts_on = Some(host);
        }
        if self.found > SHOWN {
            return;
        }
        let place = self.server.describe();
        let dump = match self.dialect {
            Dialect::Postgres => "pg_dump (-t TABLE for one table)",
            Dialect::MySql => "mysqldump DB [TABLE]",
        };
        analysis
            .reason(
                Rule::DatabaseDestructive,
                Verdict::Confirm,
                format!(
                    "{} on {place}: {}; shellguard cannot snapshot a database, so there is no undo",
                    d.statement, d.loss
                ),
            )
            .instead(format!(
                "take a dump first with {dump}, and make sure this is the server you mean ({place})"
            ));
    }

    /// Sums up what was not shown one by one.
    pub fn finish(self, analysis: &mut Analysis) {
        if self.found > SHOWN {
            analysis.reason(
                Rule::DatabaseDestructive,
                Verdict::Confirm,
                format!(
                    "and {} more destructive statements on {}",
                    self.found - SHOWN,
                    self.server.describe()
                ),
            );
        }
    }
}

/// A PostgreSQL connection string: a URI or `key=value` pairs.
pub fn is_conninfo(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://") || s.contains('=')
}

/// Host, port and database from a PostgreSQL connection string.
pub fn apply_conninfo(s: &str, server: &mut Server) {
    if let Some(rest) = s
        .strip_prefix("postgresql://")
        .or_else(|| s.strip_prefix("postgres://"))
    {
        let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, db) = main.split_once('/').unwrap_or((main, ""));
        let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let first = hosts.split(',').next().unwrap_or("");
        let (host, port) = split_host_port(first);
        if !host.is_empty() {
            server.host = Some(host);
        }
        if port.is_some() {
            server.port = port;
        }
        if !db.is_empty() {
            server.db = Some(db.to_string());
        }
        for pair in query.split('&') {
            if let Some((k, v)) = pair.split_once('=') {
                set_key(k, v, server);
            }
        }
        return;
    }
    for (k, v) in meta_words(s).iter().filter_map(|w| w.split_once('=')) {
        set_key(k.trim(), v, server);
    }
}

fn set_key(key: &str, value: &str, server: &mut Server) {
    let first = value.split(',').next().unwrap_or("").to_string();
    match key {
        "host" | "hostaddr" if !first.is_empty() => server.host = Some(first),
        "port" if !first.is_empty() => server.port = Some(first),
        "dbname" if !value.is_empty() => server.db = Some(value.to_string()),
        _ => {}
    }
}

/// `host:port`, `[::1]:5432`, `host`.
pub fn split_host_port(s: &str) -> (String, Option<String>) {
    if let Some(rest) = s.strip_prefix('[')
        && let Some((host, tail)) = rest.split_once(']')
    {
        return (host.to_string(), tail.strip_prefix(':').map(str::to_string));
    }
    match s.rsplit_once(':') {
        Some((h, p))
            if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() =>
        {
            (h.to_string(), Some(p.to_string()))
        }
        _ => (s.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn destructive(sql: &str, d: Dialect) -> Vec<String> {
        scan(sql, d)
            .into_iter()
            .filter_map(|i| match i {
                Item::Destructive(x) => Some(x.statement),
                Item::Meta { .. } => None,
            })
            .collect()
    }

    #[test]
    fn statements_split_on_semicolons_outside_quotes_and_comments() {
        let sql = "select 1; insert into t values ('DROP TABLE x; --'); -- DROP TABLE y\n/* DROP TABLE z */ drop table w;";
        assert_eq!(destructive(sql, Dialect::Postgres), vec!["drop table w"]);
        assert_eq!(destructive(sql, Dialect::MySql), vec!["drop table w"]);
    }

    #[test]
    fn where_clauses_decide_delete_and_update() {
        let d = Dialect::Postgres;
        assert!(destructive("DELETE FROM t WHERE id = 3", d).is_empty());
        assert!(destructive("update t set a = 1 where id in (select 1)", d).is_empty());
        assert_eq!(destructive("DELETE FROM t", d).len(), 1);
        assert_eq!(
            destructive("UPDATE t SET a = (SELECT 1 WHERE true)", d).len(),
            1
        );
        assert_eq!(destructive("DELETE FROM t WHERE 1=1", d).len(), 1);
        assert!(destructive("DELETE t FROM t JOIN u ON t.id = u.id", Dialect::MySql).is_empty());
    }

    #[test]
    fn dollar_quotes_nested_comments_and_atomic_bodies_are_not_statements() {
        let d = Dialect::Postgres;
        let sql = "CREATE FUNCTION f() RETURNS void AS $body$ DELETE FROM t; $body$ LANGUAGE sql;\n\
                   /* outer /* inner */ DROP TABLE x; */ SELECT 1;\n\
                   CREATE PROCEDURE p() BEGIN ATOMIC DELETE FROM t; SELECT CASE WHEN true THEN 1 END; END;";
        assert!(destructive(sql, d).is_empty(), "{:?}", destructive(sql, d));
    }

    #[test]
    fn mysql_executable_comments_and_delimiters() {
        let d = Dialect::MySql;
        assert_eq!(
            destructive("/*!40000 DROP TABLE `a` */;", d),
            vec!["DROP TABLE `a`"]
        );
        let sql = "DELIMITER //\nCREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW BEGIN DELETE FROM u; END//\nDELIMITER ;\nTRUNCATE t;";
        assert_eq!(destructive(sql, d), vec!["TRUNCATE t"]);
    }

    #[test]
    fn meta_commands_in_order() {
        let items = scan(
            "\\c other\nDROP TABLE t;\n\\i 'my file.sql'\n",
            Dialect::Postgres,
        );
        assert!(
            matches!(&items[0], Item::Meta { command, args } if command == "c" && args == &["other"])
        );
        assert!(matches!(&items[1], Item::Destructive(_)));
        assert!(
            matches!(&items[2], Item::Meta { command, args } if command == "i" && args == &["my file.sql"])
        );
        let items = scan("use shop;\nsource /tmp/x.sql\nselect 1;", Dialect::MySql);
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn alter_table_drops() {
        let d = Dialect::Postgres;
        assert_eq!(
            destructive("ALTER TABLE users DROP COLUMN email", d).len(),
            1
        );
        assert_eq!(destructive("alter table users drop email", d).len(), 1);
        assert!(destructive("ALTER TABLE users DROP CONSTRAINT fk", d).is_empty());
        assert!(
            destructive(
                "ALTER TABLE users ALTER COLUMN a DROP DEFAULT, ALTER COLUMN b DROP NOT NULL",
                d
            )
            .is_empty()
        );
    }
}

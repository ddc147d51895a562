//! Interpreter one-liners: `python -c`, `perl -e`/`-E`, `ruby -e`, `node -e`/`--eval`/`-p`
//! (also `python3.X`, `nodejs`), and the same programs reading their code from a heredoc
//! or a known pipe on standard input.
//!
//! Calls that delete a path — Python `shutil.rmtree`, `os.remove`/`unlink`/`rmdir`,
//! `Path(...).unlink()`/`.rmdir()`; Perl `unlink`, `rmdir`, `File::Path` `rmtree`/
//! `remove_tree`; Ruby `File.delete`, `FileUtils.rm`/`rm_f`/`rm_r`/`rm_rf`/`rmtree`,
//! `Dir.rmdir`, `Pathname#rmtree`; Node `fs.rmSync`/`rm`/`rmdirSync`/`unlinkSync`,
//! `fs.promises.rm`, fs-extra `remove` — become Delete targets when their path is a
//! literal (relative paths against the working directory, `~` from `$HOME`, `os.path.join`
//! and friends of literals), recursive for the tree-removing forms and Node's
//! `{recursive: true}`, so the judge applies the same path rules as to `rm -r`; each gets
//! an `inline-code-delete` note. A path the code computes is `unknown-target`.
//! Shell commands the code runs (`os.system`, `subprocess.run`, Perl/Ruby `system` and
//! backticks, Node `execSync`/`spawnSync`) are reviewed like any shell text when they are
//! literal, and are `unknown-code` when they are built at run time.
//!
//! Not covered: script files (`python script.py`) and modules (`python -m`), names
//! imported under other names (`from os import remove`), deletion through other APIs
//! (`os.walk` loops, `find`-like modules), and code hidden in a variable (`-c "$CODE"`
//! is `unknown-code`).

use std::ops::Range;
use std::path::PathBuf;

use super::lexer::{self, Call, Lang, Seg, Tok, Token};
use super::{Analysis, Arg, Invocation, Stdin};
use crate::model::{Effect, Verdict};
use crate::rules::Rule;

/// Whether `name` is an interpreter this analyzer reads one-liners of.
pub fn handles(name: &str) -> bool {
    lang_of(name).is_some()
}

fn lang_of(name: &str) -> Option<Lang> {
    match name {
        "perl" => Some(Lang::Perl),
        "ruby" => Some(Lang::Ruby),
        "node" | "nodejs" => Some(Lang::JavaScript),
        _ => {
            let version = name.strip_prefix("python")?;
            version
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
                .then_some(Lang::Python)
        }
    }
}

/// Where the interpreter takes its code from.
enum Source {
    /// `-c`/`-e` code, in order (Perl and Ruby join several `-e` with newlines), and
    /// whether every piece was known statically.
    Code(Vec<Piece>),
    /// No code and no script: standard input (`-` or nothing).
    Stdin,
    /// A script file or a module: not covered.
    Elsewhere,
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let Some(lang) = lang_of(inv.name) else {
        return analysis;
    };
    let source = match lang {
        Lang::Python => python_source(inv.args),
        Lang::Perl | Lang::Ruby => perl_ruby_source(inv.args, lang),
        Lang::JavaScript => node_source(inv.args),
    };
    let (code, how) = match source {
        Source::Code(pieces) => {
            let flag = if lang == Lang::Python { "-c" } else { "-e" };
            let how = format!("{} {flag}", inv.name);
            if let Some(hidden) = pieces
                .iter()
                .find(|p| !p.exact && is_wholly_hidden(&p.text))
            {
                analysis.reason(
                    Rule::UnknownCode,
                    Verdict::Confirm,
                    format!(
                        "{how} runs the code in '{}', which is only known when it runs: review cannot see what it deletes",
                        hidden.text
                    ),
                );
                return analysis;
            }
            let code = pieces
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            (code, how)
        }
        Source::Stdin => match &inv.stdin {
            Stdin::Data(Some(text)) => (text.clone(), format!("{} (code on its input)", inv.name)),
            _ => return analysis,
        },
        Source::Elsewhere => return analysis,
    };
    review_code(inv, lang, &code, &how, &mut analysis);
    analysis
}

/// `"$CODE"` or `$(cat x.py)` as written: nothing of the code is visible.
pub(super) fn is_wholly_hidden(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('$') || t.starts_with('`')) && !t.contains([' ', ';', '('])
        || t.starts_with("$(") && t.ends_with(')')
}

/// One piece of code from the command line.
struct Piece {
    text: String,
    exact: bool,
}

impl Piece {
    fn whole(arg: &Arg) -> Piece {
        Piece {
            text: arg.text().into_owned(),
            exact: arg.exact,
        }
    }

    /// Code attached to its flag (`-cprint(1)`, `-e'unlink "x"'`).
    fn attached(text: &str) -> Piece {
        Piece {
            text: text.to_string(),
            exact: true,
        }
    }
}

fn python_source(args: &[Arg]) -> Source {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let text = arg.text();
        i += 1;
        if text == "-" || !text.starts_with('-') || !arg.exact {
            return if text == "-" {
                Source::Stdin
            } else {
                Source::Elsewhere
            };
        }
        if text == "--" {
            return if args.get(i).is_some() {
                Source::Elsewhere
            } else {
                Source::Stdin
            };
        }
        if let Some(long) = text.strip_prefix("--") {
            if matches!(long, "help" | "version") {
                return Source::Elsewhere;
            }
            if long == "check-hash-based-pycs" {
                i += 1;
            }
            continue;
        }
        let flags: Vec<(usize, char)> = text.char_indices().skip(1).collect();
        for (k, &(at, c)) in flags.iter().enumerate() {
            match c {
                'c' => {
                    return if k + 1 < flags.len() {
                        Source::Code(vec![Piece::attached(&text[at + 1..])])
                    } else {
                        args.get(i)
                            .map_or(Source::Elsewhere, |a| Source::Code(vec![Piece::whole(a)]))
                    };
                }
                'm' | 'h' | 'V' | '?' => return Source::Elsewhere,
                'W' | 'X' => {
                    if k + 1 == flags.len() {
                        i += 1;
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    Source::Stdin
}

fn perl_ruby_source(args: &[Arg], lang: Lang) -> Source {
    let mut code: Vec<Piece> = Vec::new();
    let mut i = 0;
    // Perl and Ruby options whose value may follow as the next argument.
    let separate_value = |c: char| match lang {
        Lang::Perl => matches!(c, 'I' | 'M' | 'm'),
        _ => matches!(c, 'r' | 'I' | 'C' | 'E'),
    };
    // Options whose value, if any, is attached (`-i.bak`, `-l015`, `-0777`, `-F:`).
    let attached_value = |c: char| match lang {
        Lang::Perl => matches!(c, 'i' | 'l' | '0' | 'x' | 'd' | 'D' | 'C' | 'F' | 'V'),
        _ => matches!(c, 'i' | 'l' | '0' | 'x' | 'F' | 'W' | 'T' | 'K'),
    };
    // The first operand: the script (or `-`, standard input), unless -e gave the code.
    let mut script: Option<&Arg> = None;
    while let Some(arg) = args.get(i) {
        let text = arg.text();
        i += 1;
        if !arg.exact || text == "-" || !text.starts_with('-') {
            script = Some(arg);
            break;
        }
        if text == "--" {
            script = args.get(i);
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            if matches!(long, "help" | "version" | "copyright") {
                return Source::Elsewhere;
            }
            let takes = [
                "enable",
                "disable",
                "encoding",
                "external-encoding",
                "internal-encoding",
                "dump",
            ];
            if !long.contains('=') && takes.contains(&long) {
                i += 1;
            }
            continue;
        }
        let flags: Vec<(usize, char)> = text.char_indices().skip(1).collect();
        let mut k = 0;
        while let Some(&(at, c)) = flags.get(k) {
            k += 1;
            if c == 'e' || (c == 'E' && lang == Lang::Perl) {
                if k < flags.len() {
                    code.push(Piece::attached(&text[at + 1..]));
                } else if let Some(next) = args.get(i) {
                    code.push(Piece::whole(next));
                    i += 1;
                }
                break;
            }
            if c == 'v' && lang == Lang::Perl || c == 'h' {
                return Source::Elsewhere;
            }
            if separate_value(c) {
                if k == flags.len() {
                    i += 1;
                }
                break;
            }
            if attached_value(c) {
                if matches!(c, 'l' | '0') {
                    // -l015, -0777, -0x1F: digits, then more flags (`-lne`).
                    let hex = c == '0' && flags.get(k).is_some_and(|(_, d)| *d == 'x');
                    if hex {
                        k += 1;
                    }
                    while flags.get(k).is_some_and(|(_, d)| {
                        if hex {
                            d.is_ascii_hexdigit()
                        } else {
                            ('0'..='7').contains(d)
                        }
                    }) {
                        k += 1;
                    }
                    continue;
                }
                break;
            }
        }
    }
    if !code.is_empty() {
        return Source::Code(code);
    }
    match script {
        Some(a) if a.text() != "-" => Source::Elsewhere,
        _ => Source::Stdin,
    }
}

fn node_source(args: &[Arg]) -> Source {
    let mut i = 0;
    let takes_value = [
        "-r",
        "--require",
        "--import",
        "--loader",
        "--experimental-loader",
        "-C",
        "--conditions",
        "--title",
        "--input-type",
        "--env-file",
        "--inspect-port",
        "--stack-size",
    ];
    while let Some(arg) = args.get(i) {
        let text = arg.text();
        i += 1;
        if !arg.exact || !text.starts_with('-') {
            return Source::Elsewhere;
        }
        if text == "-" {
            return Source::Stdin;
        }
        if text == "--" {
            return if args.get(i).is_some() {
                Source::Elsewhere
            } else {
                Source::Stdin
            };
        }
        if ["-e", "--eval", "-p", "--print", "-pe", "-ep"].contains(&text.as_ref()) {
            return args
                .get(i)
                .map_or(Source::Elsewhere, |a| Source::Code(vec![Piece::whole(a)]));
        }
        if let Some((_, code)) = text
            .split_once('=')
            .filter(|(flag, _)| ["--eval", "--print"].contains(flag))
        {
            return Source::Code(vec![Piece::attached(code)]);
        }
        if [
            "-h",
            "--help",
            "-v",
            "--version",
            "-c",
            "--check",
            "--test",
            "--run",
        ]
        .contains(&text.as_ref())
        {
            return Source::Elsewhere;
        }
        if takes_value.contains(&text.as_ref()) {
            i += 1;
        }
    }
    Source::Stdin
}

/// What a known call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Deletes its path arguments; how it treats a directory.
    Delete(Dirs),
    /// Deletes the path it is called on (`Path('/x').unlink()`, `Pathname.new(x).rmtree`).
    DeleteReceiver(Dirs),
    /// Runs its first argument as a shell command, or its arguments as an argv.
    Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dirs {
    /// Removes a directory and everything below it.
    Tree,
    /// Removes only an empty directory.
    Empty,
    /// Fails on a directory (unlink): only files are at stake.
    Refused,
    /// Node's `rm`/`rmdir`: a tree with `{recursive: true}`, otherwise like the second.
    RecursiveOption(&'static Dirs),
}

const PY_PATHS: &[&str] = &[
    "Path",
    "pathlib.Path",
    "PurePath",
    "PosixPath",
    "pathlib.PosixPath",
];
const PY_SHELL: &[&str] = &[
    "os.system",
    "os.popen",
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
];
const RUBY_TREE: &[&str] = &[
    "rm_r",
    "rm_rf",
    "rmtree",
    "remove_dir",
    "remove_entry",
    "remove_entry_secure",
];
const RUBY_FILES: &[&str] = &["rm", "rm_f", "remove_file", "safe_unlink", "remove"];
const RUBY_SHELL: &[&str] = &[
    "system",
    "exec",
    "spawn",
    "Kernel.system",
    "Kernel.exec",
    "Kernel.spawn",
    "IO.popen",
    "Open3.capture2",
    "Open3.capture2e",
    "Open3.capture3",
    "Open3.popen2",
    "Open3.popen2e",
    "Open3.popen3",
];
const JS_FS: &[&str] = &[
    "fs",
    "fsp",
    "fsPromises",
    "promises",
    "fse",
    "fsExtra",
    "fsx",
];
const JS_CHILD: &[&str] = &["child_process", "cp", "childProcess", "child"];
const JS_SHELL: &[&str] = &[
    "execSync",
    "exec",
    "execFileSync",
    "execFile",
    "spawnSync",
    "spawn",
];

fn action(lang: Lang, call: &Call) -> Option<Action> {
    let q = call.qualified();
    let name = call.name.as_str();
    let bare = call.receiver.is_empty();
    match lang {
        Lang::Python => match q.as_str() {
            _ if name == "rmtree" => Some(Action::Delete(Dirs::Tree)),
            "os.remove" | "os.unlink" => Some(Action::Delete(Dirs::Refused)),
            "os.rmdir" | "os.removedirs" => Some(Action::Delete(Dirs::Empty)),
            _ if name == "unlink" && !bare => Some(Action::DeleteReceiver(Dirs::Refused)),
            _ if name == "rmdir" && !bare => Some(Action::DeleteReceiver(Dirs::Empty)),
            q if PY_SHELL.contains(&q) => Some(Action::Shell),
            _ => None,
        },
        Lang::Perl => match q.as_str() {
            "unlink" => Some(Action::Delete(Dirs::Refused)),
            "rmdir" => Some(Action::Delete(Dirs::Empty)),
            "system" | "exec" => Some(Action::Shell),
            q if q.ends_with("rmtree") || q.ends_with("remove_tree") => {
                Some(Action::Delete(Dirs::Tree))
            }
            _ => None,
        },
        Lang::Ruby => {
            let fileutils =
                matches!(call.receiver.as_slice(), [Seg::Name(n)] if n == "FileUtils") || bare;
            let pathname = matches!(
                call.receiver.as_slice(),
                [.., Seg::Name(p), Seg::Call(new, _)] if p == "Pathname" && new == "new"
            ) || matches!(call.receiver.as_slice(), [.., Seg::Call(p, _)] if p == "Pathname");
            match q.as_str() {
                "File.delete" | "File.unlink" => Some(Action::Delete(Dirs::Refused)),
                "Dir.rmdir" | "Dir.delete" | "Dir.unlink" => Some(Action::Delete(Dirs::Empty)),
                "FileUtils.rmdir" => Some(Action::Delete(Dirs::Empty)),
                q if RUBY_SHELL.contains(&q) => Some(Action::Shell),
                _ if pathname && matches!(name, "rmtree") => {
                    Some(Action::DeleteReceiver(Dirs::Tree))
                }
                _ if pathname && matches!(name, "delete" | "unlink") => {
                    Some(Action::DeleteReceiver(Dirs::Refused))
                }
                _ if pathname && name == "rmdir" => Some(Action::DeleteReceiver(Dirs::Empty)),
                _ if fileutils && RUBY_TREE.contains(&name) => Some(Action::Delete(Dirs::Tree)),
                _ if fileutils && !bare && RUBY_FILES.contains(&name) => {
                    Some(Action::Delete(Dirs::Refused))
                }
                _ => None,
            }
        }
        Lang::JavaScript => {
            // The synchronous fs names mean fs on any receiver (`f.rmSync` after `import('fs')`).
            let distinctive = matches!(name, "rmSync" | "rmdirSync" | "unlinkSync");
            let fs = distinctive
                || match call.receiver.last() {
                    None => false,
                    Some(Seg::Name(n)) => JS_FS.contains(&n.as_str()),
                    Some(Seg::Call(f, Some(module))) => {
                        matches!(f.as_str(), "require" | "import")
                            && (module.starts_with("fs") || module.starts_with("node:fs"))
                    }
                    _ => false,
                };
            let child = match call.receiver.last() {
                None => true,
                Some(Seg::Name(n)) => JS_CHILD.contains(&n.as_str()),
                Some(Seg::Call(f, Some(module))) => {
                    f == "require" && module.ends_with("child_process")
                }
                _ => false,
            };
            match name {
                "rmSync" | "rm" if fs => {
                    Some(Action::Delete(Dirs::RecursiveOption(&Dirs::Refused)))
                }
                "rmdirSync" | "rmdir" if fs => {
                    Some(Action::Delete(Dirs::RecursiveOption(&Dirs::Empty)))
                }
                "unlinkSync" | "unlink" if fs => Some(Action::Delete(Dirs::Refused)),
                "removeSync" | "remove" | "emptyDirSync" | "emptyDir" if fs && !bare => {
                    Some(Action::Delete(Dirs::Tree))
                }
                n if child && JS_SHELL.contains(&n) => Some(Action::Shell),
                _ => None,
            }
        }
    }
}

fn wanted(lang: Lang, name: &str) -> bool {
    match lang {
        Lang::Python => matches!(
            name,
            "rmtree"
                | "remove"
                | "unlink"
                | "rmdir"
                | "removedirs"
                | "system"
                | "popen"
                | "run"
                | "call"
                | "check_call"
                | "check_output"
                | "Popen"
                | "getoutput"
                | "getstatusoutput"
        ),
        Lang::Perl => {
            matches!(name, "unlink" | "rmdir" | "system" | "exec")
                || name.ends_with("rmtree")
                || name.ends_with("remove_tree")
        }
        Lang::Ruby => {
            let last = name.rsplit("::").next().unwrap_or(name);
            RUBY_TREE.contains(&last)
                || RUBY_FILES.contains(&last)
                || RUBY_SHELL
                    .iter()
                    .any(|s| s.rsplit('.').next() == Some(last))
                || matches!(
                    last,
                    "delete" | "unlink" | "rmdir" | "capture2" | "capture2e" | "capture3"
                )
                || matches!(last, "popen" | "popen2" | "popen2e" | "popen3")
        }
        Lang::JavaScript => {
            matches!(
                name,
                "rmSync"
                    | "rm"
                    | "rmdirSync"
                    | "rmdir"
                    | "unlinkSync"
                    | "unlink"
                    | "removeSync"
                    | "remove"
                    | "emptyDirSync"
                    | "emptyDir"
            ) || JS_SHELL.contains(&name)
        }
    }
}

/// Perl and Ruby calls that may be written without parentheses.
fn bare_call(lang: Lang, name: &str) -> bool {
    match lang {
        Lang::Perl => {
            matches!(
                name,
                "unlink" | "rmdir" | "system" | "exec" | "rmtree" | "remove_tree"
            ) || name.ends_with("::rmtree")
                || name.ends_with("::remove_tree")
        }
        Lang::Ruby => wanted(lang, name),
        _ => false,
    }
}

fn review_code(inv: &Invocation, lang: Lang, code: &str, how: &str, analysis: &mut Analysis) {
    let tokens = lexer::tokenize(code, lang);
    for call in lexer::calls(&tokens, lang, |n| wanted(lang, n), |n| bare_call(lang, n)) {
        match action(lang, &call) {
            Some(Action::Delete(dirs)) => {
                let dirs = match dirs {
                    Dirs::RecursiveOption(otherwise) => {
                        if has_recursive_option(&tokens, &call) {
                            Dirs::Tree
                        } else {
                            *otherwise
                        }
                    }
                    d => d,
                };
                let paths: Vec<Range<usize>> = call
                    .args
                    .iter()
                    .filter(|r| !is_option(&tokens[(*r).clone()], lang))
                    .cloned()
                    .collect();
                // Node and Python take one path; Perl, Ruby and FileUtils take lists.
                let paths = match lang {
                    Lang::Python | Lang::JavaScript => paths.into_iter().take(1).collect(),
                    _ => paths,
                };
                if paths.is_empty() {
                    // Perl's `unlink;` deletes $_, a name only known when it runs.
                    unknown_path(inv, how, &call.text(code), "$_", analysis);
                }
                for range in paths {
                    match value(&tokens, range.clone(), lang) {
                        Some(list) => {
                            for p in list {
                                delete_target(inv, how, &call.text(code), &p, dirs, analysis);
                            }
                        }
                        None => {
                            let text = source_of(code, &tokens, range);
                            unknown_path(inv, how, &call.text(code), &text, analysis);
                        }
                    }
                }
            }
            Some(Action::DeleteReceiver(dirs)) => match call.receiver.last() {
                Some(Seg::Call(_, Some(path))) => {
                    delete_target(inv, how, &call.text(code), path, dirs, analysis)
                }
                _ => {
                    let text = call.text(code);
                    let receiver = text
                        .rsplit_once('.')
                        .map_or(text.as_str(), |(r, _)| r)
                        .to_string();
                    unknown_path(inv, how, &text, &receiver, analysis);
                }
            },
            Some(Action::Shell) => {
                let command = shell_command(&tokens, &call, lang);
                run_shell(inv, how, &call.text(code), command, analysis);
            }
            None => {}
        }
    }
    // Backticks, qx{} and %x() run their text in a shell.
    for token in &tokens {
        if let Tok::Shell(text) = &token.tok {
            let shown = code[token.span.clone()].to_string();
            run_shell(inv, how, &shown, text.clone(), analysis);
        }
    }
}

/// Node's `{recursive: true}` among the call's arguments.
fn has_recursive_option(tokens: &[Token], call: &Call) -> bool {
    call.args.iter().any(|r| {
        tokens[r.clone()].windows(3).any(|w| {
            w[0].ident() == Some("recursive") && w[1].is(':') && w[2].ident() == Some("true")
        })
    })
}

/// Keyword arguments and option hashes (`ignore_errors=True`, `secure: true`, `{force: true}`).
fn is_option(ts: &[Token], lang: Lang) -> bool {
    match ts {
        [] => true,
        [first, ..] if first.is('{') => true,
        [
            Token {
                tok: Tok::Ident(_), ..
            },
            eq,
            next,
            ..,
        ] if lang == Lang::Python && eq.is('=') && !next.is('=') => true,
        [
            Token {
                tok: Tok::Ident(_), ..
            },
            colon,
            ..,
        ] if lang == Lang::Ruby && colon.is(':') => true,
        [
            Token {
                tok: Tok::Ident(_), ..
            },
            eq,
            gt,
            ..,
        ] if eq.is('=') && gt.is('>') => true,
        [
            colon,
            Token {
                tok: Tok::Ident(_), ..
            },
            ..,
        ] if lang == Lang::Ruby && colon.is(':') => true,
        _ => false,
    }
}

fn source_of(code: &str, tokens: &[Token], range: Range<usize>) -> String {
    match (
        tokens.get(range.start),
        tokens.get(range.end.saturating_sub(1)),
    ) {
        (Some(a), Some(b)) if range.start < range.end => code[a.span.start..b.span.end].to_string(),
        _ => String::new(),
    }
}

/// The literal paths an argument names, or None when the code computes them.
fn value(tokens: &[Token], range: Range<usize>, lang: Lang) -> Option<Vec<String>> {
    let ts = &tokens[range.clone()];
    if let Some(s) = concatenation(ts, lang) {
        return Some(vec![s]);
    }
    match ts {
        [
            Token {
                tok: Tok::Words(words),
                ..
            },
        ] => return Some(words.clone()),
        [first, .., last]
            if (first.is('[') || first.is('('))
                && lexer::matching(tokens, range.start) == range.end - 1 =>
        {
            let _ = last;
            let mut out = Vec::new();
            for element in lexer::split_args(tokens, range.start + 1..range.end - 1) {
                out.extend(value(tokens, element, lang)?);
            }
            return Some(out);
        }
        _ => {}
    }
    // A call of a path constructor or joiner over literals: Path('/x'), os.path.join('a', 'b').
    let last = ts.last()?;
    if !last.is(')') {
        return None;
    }
    let open = (range.start..range.end)
        .find(|&k| tokens[k].is('(') && lexer::matching(tokens, k) == range.end - 1)?;
    let mut name = String::new();
    for t in &tokens[range.start..open] {
        match &t.tok {
            Tok::Ident(n) => name.push_str(&n.replace("::", ".")),
            Tok::Punct('.') => name.push('.'),
            _ => return None,
        }
    }
    let mut parts = Vec::new();
    for arg in lexer::split_args(tokens, open + 1..range.end - 1) {
        match value(tokens, arg, lang)?.as_slice() {
            [one] => parts.push(one.clone()),
            _ => return None,
        }
    }
    let joined = match name.as_str() {
        "os.path.join" | "path.resolve" | "posixpath.join" => {
            let mut p = PathBuf::new();
            parts.iter().for_each(|s| p.push(s));
            p.to_string_lossy().into_owned()
        }
        "path.join" | "File.join" => parts.join("/"),
        n if PY_PATHS.contains(&n)
            || matches!(
                n,
                "os.path.expanduser"
                    | "os.path.abspath"
                    | "os.path.normpath"
                    | "os.path.realpath"
                    | "str"
                    | "String"
                    | "File.expand_path"
                    | "Pathname.new"
                    | "Pathname"
                    | "path.normalize"
            ) =>
        {
            match parts.as_slice() {
                [one] => one.clone(),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(vec![joined])
}

/// `'a'`, `'a' 'b'` (Python), `'a' + 'b'`, `'a' . 'b'` (Perl): the joined literal.
fn concatenation(ts: &[Token], lang: Lang) -> Option<String> {
    let mut out = String::new();
    let mut want_literal = true;
    for t in ts {
        match t.literal() {
            Some(s) if want_literal || lang == Lang::Python => {
                out.push_str(s);
                want_literal = false;
            }
            None if !want_literal => {
                let joins = match lang {
                    Lang::Perl => t.is('.'),
                    _ => t.is('+'),
                };
                if !joins {
                    return None;
                }
                want_literal = true;
            }
            _ => return None,
        }
    }
    (!ts.is_empty() && !want_literal).then_some(out)
}

/// `~` and `~/x` from `$HOME` (the code's authors mean the home directory; judging that
/// path is the stricter reading, since the language itself would not expand it).
fn expand_tilde(inv: &Invocation, path: &str) -> String {
    let home = inv.var("HOME").filter(|h| !h.is_empty());
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            format!("{home}{rest}")
        }
        _ => path.to_string(),
    }
}

fn delete_target(
    inv: &Invocation,
    how: &str,
    call: &str,
    path: &str,
    dirs: Dirs,
    analysis: &mut Analysis,
) {
    if path.is_empty() {
        return;
    }
    let arg = Arg::exact(expand_tilde(inv, path));
    let recursive = dirs == Dirs::Tree;
    let mut target = inv.target(&arg, Effect::Delete, recursive);
    target.operand = path.to_string();
    // unlink() of a directory fails: nothing is at stake there.
    if dirs == Dirs::Refused && target.kind.is_dir() {
        return;
    }
    let shown = target.path.display().to_string();
    let what = if !target.exists && target.kind != crate::model::FileKind::Unknown {
        format!("would delete {shown}, which does not exist here")
    } else {
        match dirs {
            Dirs::Tree if target.kind.is_dir() || !target.exists => {
                format!("deletes {shown} and everything below it")
            }
            Dirs::Empty => format!("removes the directory {shown} if it is empty"),
            _ => format!("deletes {shown}"),
        }
    };
    analysis.reason(
        Rule::InlineCodeDelete,
        Verdict::Allow,
        format!("{how}: {call} {what}"),
    );
    if target.exists {
        analysis.snapshot = true;
    }
    analysis.targets.push(target);
}

fn unknown_path(inv: &Invocation, how: &str, call: &str, expr: &str, analysis: &mut Analysis) {
    let _ = inv;
    analysis
        .reason(
            Rule::UnknownTarget,
            Verdict::Confirm,
            format!(
                "{how}: {call} deletes a path the code computes ('{expr}'): review cannot know which files go"
            ),
        )
        .instead("print the paths first (the same code with print/puts/console.log in place of the delete)");
}

/// The shell text a call runs: a literal string, or an argv of literals quoted for the shell.
fn shell_command(tokens: &[Token], call: &Call, lang: Lang) -> Option<String> {
    let args: Vec<&Range<usize>> = call
        .args
        .iter()
        .filter(|r| !is_option(&tokens[(*r).clone()], lang))
        .collect();
    let mut argv: Vec<String> = Vec::new();
    for (k, r) in args.iter().enumerate() {
        let ts = &tokens[(*r).clone()];
        if let Some(s) = concatenation(ts, lang) {
            if k == 0 && args.len() == 1 {
                return Some(s); // one string: shell text
            }
            argv.push(s);
            continue;
        }
        // Node's spawnSync('rm', ['-rf', 'x']) and Python's run(['rm', '-rf', 'x']):
        // a list of literals. A callback or an options object ends the argv.
        let list = (ts.first()?.is('['))
            .then(|| value(tokens, (*r).clone(), lang))
            .flatten();
        match list {
            Some(words) => argv.extend(words),
            None if k > 0 && lang == Lang::JavaScript => break,
            None => return None,
        }
    }
    if argv.is_empty() {
        return None;
    }
    Some(
        argv.iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Reviews shell text the code runs, with the crate's own interpreter, and adds what it
/// finds to this command: the judge then sees the targets of `rm -rf` inside `os.system`.
fn run_shell(
    inv: &Invocation,
    how: &str,
    call: &str,
    command: Option<String>,
    analysis: &mut Analysis,
) {
    let Some(text) = command else {
        analysis.reason(
            Rule::UnknownCode,
            Verdict::Confirm,
            format!("{how}: {call} runs a shell command built when the code runs, which review cannot see"),
        );
        return;
    };
    let findings = crate::interp::interpret(inv.ctx, &text, inv.cwd);
    for finding in findings {
        let here = finding.host == inv.ctx.host;
        let mut inner = finding.analysis;
        for reason in &mut inner.reasons {
            reason.message = format!("{how}: {call}: {}", reason.message);
        }
        if here {
            let loses = inner
                .targets
                .iter()
                .any(|t| t.effect.loses_data() && (t.exists || !t.exact));
            if loses {
                analysis.reason(
                    Rule::InlineCodeDelete,
                    Verdict::Allow,
                    format!("{how}: {call} runs the shell command `{}`", finding.text),
                );
            }
            analysis.targets.extend(inner.targets);
            analysis.snapshot |= inner.snapshot;
        }
        analysis.reasons.extend(inner.reasons);
        if analysis.acts_on.is_none() {
            analysis.acts_on = inner.acts_on;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<Arg> {
        list.iter().map(|s| Arg::exact(*s)).collect()
    }

    fn code_of(source: Source) -> Option<String> {
        match source {
            Source::Code(p) => Some(
                p.iter()
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            _ => None,
        }
    }

    #[test]
    fn python_code_after_flags() {
        for argv in [
            &["-c", "X"][..],
            &["-Bc", "X"],
            &["-W", "ignore", "-c", "X"],
            &["-u", "-c", "X", "a"],
        ] {
            assert_eq!(
                code_of(python_source(&args(argv))).as_deref(),
                Some("X"),
                "{argv:?}"
            );
        }
        assert!(matches!(
            python_source(&args(&["script.py", "-c", "X"])),
            Source::Elsewhere
        ));
        assert!(matches!(
            python_source(&args(&["-m", "http.server"])),
            Source::Elsewhere
        ));
        assert!(matches!(python_source(&args(&[])), Source::Stdin));
    }

    #[test]
    fn perl_and_ruby_code_after_bundles() {
        let a = args(&["-MFile::Path", "-le", "A", "-e", "B"]);
        assert_eq!(
            code_of(perl_ruby_source(&a, Lang::Perl)).as_deref(),
            Some("A\nB")
        );
        let a = args(&["-l015", "-ne", "A", "file"]);
        assert_eq!(
            code_of(perl_ruby_source(&a, Lang::Perl)).as_deref(),
            Some("A")
        );
        let a = args(&["-r", "fileutils", "-e", "A"]);
        assert_eq!(
            code_of(perl_ruby_source(&a, Lang::Ruby)).as_deref(),
            Some("A")
        );
        assert!(matches!(
            perl_ruby_source(&args(&["x.pl"]), Lang::Perl),
            Source::Elsewhere
        ));
    }

    #[test]
    fn node_eval_forms() {
        for argv in [&["-e", "X"][..], &["--eval", "X"], &["-r", "m", "-p", "X"]] {
            assert_eq!(
                code_of(node_source(&args(argv))).as_deref(),
                Some("X"),
                "{argv:?}"
            );
        }
        assert!(matches!(node_source(&args(&["app.js"])), Source::Elsewhere));
    }
}

//! Static interpretation: walks a parsed text the way bash would run it — expanding words,
//! following `cd`, looking through `sudo`, `env`, `chroot`, `bash -c`, `ssh`, `xargs`,
//! `tmux new`, `at` — and hands every simple command that would run to its analyzer.
//! Nothing is executed.

pub mod expand;
mod wrappers;

use std::path::{Path, PathBuf};

use crate::analyze::{self, Analysis, Arg, Invocation, Stdin};
use crate::context::Context;
use crate::model::{Effect, FileKind, Reason, Target, Verdict};
use crate::resolve;
use crate::rules::Rule;
use crate::syntax::{self, Node, RedirectKind, SimpleCommand};
pub use expand::{ShellState, Value};

/// One simple command that would run, with what its analyzer found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub text: String,
    pub line: usize,
    /// The argv as the shell would pass it (inexact words shown as written).
    pub argv: Vec<Arg>,
    /// The program that does the work (`rm` for `sudo rm ...`).
    pub program: String,
    pub cwd: Option<PathBuf>,
    /// The host the command runs on (another one for `ssh HOST '...'`).
    pub host: String,
    /// How the command was reached: "sudo", "bash -c", "ssh db1", ...
    pub via: Vec<String>,
    pub analysis: Analysis,
}

/// Nested shells deeper than this are reported as unknown instead of followed.
const MAX_DEPTH: usize = 8;

pub struct Interpreter<'a> {
    ctx: &'a Context,
    findings: Vec<Finding>,
    depth: usize,
    via: Vec<String>,
}

/// Interprets `text` as if run in `cwd` by the user of `ctx`.
pub fn interpret(ctx: &Context, text: &str, cwd: Option<&Path>) -> Vec<Finding> {
    let mut state = ShellState {
        cwd: cwd.map(Path::to_path_buf),
        ..Default::default()
    };
    let mut interp = Interpreter {
        ctx,
        findings: Vec::new(),
        depth: 0,
        via: Vec::new(),
    };
    // Commands are interpreted as the parser hands them over (a long script is parsed
    // on other cores meanwhile); if the text turns out not to parse, what was found is
    // dropped and the whole text is reported unparseable.
    let mut fresh = state.clone();
    let parsed = syntax::parse_each(text, |node| interp.node(node, &mut state, &Stdin::Terminal));
    if parsed.is_err() {
        interp.findings.clear();
        interp.text(text, &mut fresh, None);
    }
    interp.findings
}

impl<'a> Interpreter<'a> {
    fn text(&mut self, text: &str, state: &mut ShellState, origin: Option<&str>) {
        match syntax::parse(text) {
            Ok(node) => self.node(&node, state, &Stdin::Terminal),
            Err(e) => {
                let mut analysis = Analysis::default();
                analysis.reason(
                    Rule::Unparseable,
                    Verdict::Confirm,
                    format!("{} at line {}, column {}", e.message, e.line, e.column),
                );
                let shown = origin.map_or_else(|| first_line(text), str::to_string);
                self.push(shown, e.line, Vec::new(), String::new(), state, analysis);
            }
        }
    }

    fn push(
        &mut self,
        text: String,
        line: usize,
        argv: Vec<Arg>,
        program: String,
        state: &ShellState,
        analysis: Analysis,
    ) {
        self.findings.push(Finding {
            text,
            line,
            argv,
            program,
            cwd: state.cwd.clone(),
            host: self.ctx.host.clone(),
            via: self.via.clone(),
            analysis,
        });
    }

    fn node(&mut self, node: &Node, state: &mut ShellState, stdin: &Stdin) {
        match node {
            Node::Command(cmd) => self.simple(cmd, state, stdin.clone()),
            Node::Sequence(nodes) => nodes.iter().for_each(|n| self.node(n, state, stdin)),
            Node::Pipeline(stages) => {
                let mut feed = stdin.clone();
                for stage in stages {
                    self.node(stage, state, &feed);
                    feed = Stdin::Data(stage_output(self.ctx, stage, state));
                }
            }
            Node::Subshell(inner) => self.node(inner, &mut state.clone(), stdin),
            Node::Redirected(inner, _) => self.node(inner, state, stdin),
            Node::Function { body, .. } => self.node(body, &mut state.clone(), stdin),
            Node::For { name, values, body } => {
                let fields: Option<Vec<Arg>> = values.as_ref().map(|words| {
                    words
                        .iter()
                        .flat_map(|w| state.expand(self.ctx, w).fields)
                        .collect()
                });
                match fields {
                    Some(list)
                        if !list.is_empty() && list.len() <= 16 && list.iter().all(|a| a.exact) =>
                    {
                        for value in list {
                            state
                                .vars
                                .insert(name.clone(), Value::Known(value.text().into_owned()));
                            self.node(body, state, stdin);
                        }
                    }
                    _ => {
                        state.vars.insert(name.clone(), Value::Unknown);
                        self.node(body, state, stdin);
                    }
                }
            }
        }
    }

    fn simple(&mut self, cmd: &SimpleCommand, state: &mut ShellState, mut stdin: Stdin) {
        let mut hazards = Vec::new();
        let mut substitutions = Vec::new();
        let mut assigned = Vec::new();
        for (name, word) in &cmd.assignments {
            let e = state.expand(self.ctx, word);
            substitutions.extend(e.substitutions);
            let value = match e.fields.as_slice() {
                [] => Value::Known(String::new()),
                [one] if one.exact => Value::Known(one.text().into_owned()),
                // A value joined from several fields, or partly unknown.
                many if many.iter().all(|a| a.exact) => Value::Known(
                    many.iter()
                        .map(|a| a.text().into_owned())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => Value::Unknown,
            };
            assigned.push((name.clone(), value));
        }
        let mut argv = Vec::new();
        for word in &cmd.words {
            let e = state.expand(self.ctx, word);
            hazards.extend(e.hazards);
            substitutions.extend(e.substitutions);
            argv.extend(e.fields);
        }
        // Substitutions run before the command, in a subshell.
        for sub in substitutions {
            self.nested(&sub, &mut state.clone(), "$(…)", None);
        }
        let mut redirect_targets = Vec::new();
        for r in &cmd.redirects {
            match &r.kind {
                RedirectKind::HereDoc { body, .. } => stdin = Stdin::Data(Some(body.clone())),
                RedirectKind::HereString(w) => {
                    let e = state.expand(self.ctx, w);
                    let text = e.fields.iter().all(|a| a.exact).then(|| join(&e.fields));
                    stdin = Stdin::Data(text);
                }
                RedirectKind::Read(_) => stdin = Stdin::Data(None),
                RedirectKind::Write(w) | RedirectKind::Append(w) | RedirectKind::ReadWrite(w) => {
                    let append = !matches!(r.kind, RedirectKind::Write(_));
                    for field in state.expand(self.ctx, w).fields {
                        redirect_targets.push((field, append));
                    }
                }
                RedirectKind::Other => {}
            }
        }
        if argv.is_empty() {
            for (name, value) in assigned {
                state.vars.insert(name, value);
            }
            if !redirect_targets.is_empty() {
                let mut analysis = Analysis::default();
                self.redirections(&redirect_targets, state, &mut analysis);
                self.push(
                    cmd.text.clone(),
                    cmd.line,
                    Vec::new(),
                    String::new(),
                    state,
                    analysis,
                );
            }
            return;
        }
        let meta = Meta {
            text: &cmd.text,
            line: cmd.line,
            full_argv: &argv,
            hazards: &hazards,
            redirects: &redirect_targets,
            assigned: &assigned,
        };
        self.dispatch(&argv, state, stdin, &meta);
    }

    /// Runs `args` as a command: looks through wrappers and shells, follows builtins that
    /// change the state, and analyzes guarded programs.
    fn dispatch(&mut self, args: &[Arg], state: &mut ShellState, stdin: Stdin, meta: &Meta) {
        let Some(first) = args.first() else { return };
        if !first.exact {
            let mut analysis = Analysis::default();
            analysis.reason(
                Rule::UnknownTarget,
                Verdict::Confirm,
                format!(
                    "the program itself ('{}') cannot be known before it runs",
                    first.text()
                ),
            );
            return self.finish(meta, state, String::new(), analysis);
        }
        let name = analyze::program_name(first.os()).into_owned();
        let rest = &args[1..];
        if let Some(step) = wrappers::unwrap(&name, rest) {
            return self.wrapper(step, &name, state, stdin, meta);
        }
        match name.as_str() {
            "cd" | "pushd" | "popd" => return self.change_dir(&name, rest, state, meta),
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                for arg in rest.iter().filter(|a| !a.text().starts_with('-')) {
                    if let Some((var, value)) = arg.text().split_once('=') {
                        let value = if arg.exact {
                            Value::Known(value.to_string())
                        } else {
                            Value::Unknown
                        };
                        state.vars.insert(var.to_string(), value);
                    }
                }
            }
            "unset" => {
                for arg in rest {
                    state.vars.remove(arg.text().as_ref());
                }
            }
            "read" | "mapfile" | "readarray" => {
                for arg in rest.iter().filter(|a| !a.text().starts_with('-')) {
                    state.vars.insert(arg.text().into_owned(), Value::Unknown);
                }
            }
            "source" | "." => {
                if let Some(file) = rest.first().filter(|a| a.exact)
                    && let Some(text) = read_script(state.cwd.as_deref(), file)
                {
                    self.depth += 1;
                    if self.depth <= MAX_DEPTH {
                        self.text(&text, state, None);
                    }
                    self.depth -= 1;
                }
            }
            _ => {}
        }
        let mut analysis = Analysis::default();
        if let Some(analyzer) = analyze::analyzer_for(&name) {
            let inv = Invocation {
                name: &name,
                args: rest,
                cwd: state.cwd.as_deref(),
                ctx: self.ctx,
                stdin,
                shell: analyze::ShellVars {
                    prefix: meta.assigned,
                    script: Some(&state.vars),
                },
            };
            analysis = analyzer(&inv);
            if !meta.hazards.is_empty() {
                let severity = if analysis.targets.iter().any(|t| t.effect.loses_data()) {
                    Verdict::Block
                } else {
                    Verdict::Confirm
                };
                for h in meta.hazards {
                    analysis.reason(Rule::UnsetVariable, severity, h.clone());
                }
            }
        }
        self.finish(meta, state, name, analysis);
    }

    fn finish(&mut self, meta: &Meta, state: &ShellState, program: String, mut analysis: Analysis) {
        self.redirections(meta.redirects, state, &mut analysis);
        self.push(
            meta.text.to_string(),
            meta.line,
            meta.full_argv.to_vec(),
            program,
            state,
            analysis,
        );
    }

    fn wrapper(
        &mut self,
        step: wrappers::Step,
        name: &str,
        state: &mut ShellState,
        stdin: Stdin,
        meta: &Meta,
    ) {
        use wrappers::Step;
        match step {
            Step::Run { argv, chdir, env } => {
                self.via.push(name.to_string());
                // `sudo PGHOST=db1 psql`: the settings count as the command's own.
                let assigned: Vec<(String, Value)> = meta
                    .assigned
                    .iter()
                    .cloned()
                    .chain(env.into_iter().map(|(var, value)| {
                        let value = if value.exact {
                            Value::Known(value.text().into_owned())
                        } else {
                            Value::Unknown
                        };
                        (var, value)
                    }))
                    .collect();
                let meta = Meta {
                    assigned: &assigned,
                    ..*meta
                };
                match chdir {
                    Some(dir) => {
                        let mut inner = state.clone();
                        inner.cwd = if dir.exact {
                            resolve_dir(state.cwd.as_deref(), dir.os())
                        } else {
                            None
                        };
                        self.dispatch(&argv, &mut inner, stdin, &meta);
                    }
                    None => self.dispatch(&argv, state, stdin, &meta),
                }
                self.via.pop();
            }
            Step::Script(text) => {
                self.record_plain(meta, state, name);
                self.nested(&text, &mut state.clone(), &format!("{name} -c"), None);
            }
            Step::Eval(text) => {
                self.via.push("eval".into());
                self.text(&text, state, None);
                self.via.pop();
            }
            Step::ShellStdin => {
                self.record_plain(meta, state, name);
                match stdin {
                    Stdin::Data(Some(text)) => {
                        self.nested(&text, &mut state.clone(), &format!("| {name}"), None)
                    }
                    Stdin::Terminal => {}
                    _ => {
                        let mut analysis = Analysis::default();
                        analysis.reason(
                            Rule::UnknownCode,
                            Verdict::Confirm,
                            format!(
                                "{name} runs commands read from its input, which review cannot see"
                            ),
                        );
                        self.finish(meta, state, name.to_string(), analysis);
                    }
                }
            }
            Step::ShellFile(file) => {
                self.record_plain(meta, state, name);
                match read_script(state.cwd.as_deref(), &file) {
                    Some(text) => self.nested(
                        &text,
                        &mut state.clone(),
                        &format!("{name} {}", file.text()),
                        None,
                    ),
                    None => {
                        let mut analysis = Analysis::default();
                        analysis.reason(
                            Rule::UnknownCode,
                            Verdict::Allow,
                            format!("the script '{}' could not be read, so its commands are not reviewed", file.text()),
                        );
                        self.finish(meta, state, name.to_string(), analysis);
                    }
                }
            }
            Step::Remote { host, command } => {
                let mut analysis = Analysis::default();
                analysis.targets.push(Target {
                    path: PathBuf::from(format!("{host}:")),
                    effect: Effect::Remote,
                    exists: true,
                    kind: FileKind::Unknown,
                    recursive: false,
                    operand: host.clone(),
                    exact: true,
                });
                self.finish(meta, state, name.to_string(), analysis);
                if let Some(text) = command {
                    let mut remote_ctx = self.ctx.clone();
                    remote_ctx.host = host.clone();
                    remote_ctx.remote = true;
                    let mut remote_state = ShellState::default();
                    let mut inner = Interpreter {
                        ctx: &remote_ctx,
                        findings: Vec::new(),
                        depth: self.depth + 1,
                        via: self.via.clone(),
                    };
                    inner.via.push(format!("ssh {host}"));
                    if inner.depth <= MAX_DEPTH {
                        inner.text(&text, &mut remote_state, None);
                    }
                    for mut f in inner.findings {
                        for t in &mut f.analysis.targets {
                            if t.effect != Effect::Reboot {
                                t.kind = FileKind::Unknown;
                            }
                        }
                        self.findings.push(f);
                    }
                }
            }
            Step::Xargs(argv) => {
                self.via.push(name.to_string());
                let mut inner: Vec<Arg> = argv;
                inner.push(Arg::inexact(format!("(input of {name})")));
                self.dispatch(&inner, state, Stdin::Unknown, meta);
                self.via.pop();
            }
            Step::Many(steps) if !steps.is_empty() => {
                for step in steps {
                    self.wrapper(step, name, state, stdin.clone(), meta);
                }
            }
            Step::Many(_) | Step::Nothing => {
                self.finish(meta, state, name.to_string(), Analysis::default())
            }
        }
    }

    /// The wrapper command itself appears in the report, harmless, before what it runs.
    fn record_plain(&mut self, meta: &Meta, state: &ShellState, name: &str) {
        self.finish(meta, state, name.to_string(), Analysis::default());
    }

    fn nested(&mut self, text: &str, state: &mut ShellState, how: &str, origin: Option<&str>) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.via.push(how.to_string());
        self.text(text, state, origin);
        self.via.pop();
        self.depth -= 1;
    }

    fn change_dir(&mut self, name: &str, rest: &[Arg], state: &mut ShellState, meta: &Meta) {
        let operands: Vec<&Arg> = rest
            .iter()
            .filter(|a| !(a.exact && a.text().starts_with('-') && a.text() != "-"))
            .collect();
        let previous = state.cwd.clone();
        match name {
            "popd" => {
                state.cwd = state.dir_stack.pop().unwrap_or(state.cwd.clone());
            }
            _ => {
                let target = match operands.first() {
                    None if name == "cd" => self.ctx.home(),
                    None => state.dir_stack.pop().flatten(),
                    Some(a) if !a.exact => None,
                    Some(a) if a.text() == "-" => state.oldpwd.clone(),
                    Some(a) => resolve_dir(state.cwd.as_deref(), a.os()),
                };
                if name == "pushd" {
                    state.dir_stack.push(previous.clone());
                }
                state.cwd = target;
            }
        }
        state.oldpwd = previous;
        let analysis = Analysis::default();
        self.finish(meta, state, name.to_string(), analysis);
    }

    /// `>` onto an existing file replaces it; `>` onto a block device writes it.
    fn redirections(&self, targets: &[(Arg, bool)], state: &ShellState, analysis: &mut Analysis) {
        for (arg, append) in targets {
            let how = if *append { "'>>'" } else { "'>'" };
            analyze::written_file(self.ctx, state.cwd.as_deref(), arg, *append, how, analysis);
        }
    }
}

struct Meta<'m> {
    text: &'m str,
    line: usize,
    full_argv: &'m [Arg],
    hazards: &'m [String],
    redirects: &'m [(Arg, bool)],
    /// The command's prefix assignments (`PGHOST=db1 psql ...`).
    assigned: &'m [(String, Value)],
}

/// What a pipeline stage writes, when it is a plain `echo`/`printf` of known text.
fn stage_output(ctx: &Context, stage: &Node, state: &ShellState) -> Option<String> {
    let Node::Command(cmd) = stage else {
        return None;
    };
    let args: Vec<Arg> = cmd
        .words
        .iter()
        .flat_map(|w| state.expand(ctx, w).fields)
        .collect();
    let (first, rest) = args.split_first()?;
    if !args.iter().all(|a| a.exact) {
        return None;
    }
    match first.text().as_ref() {
        "echo" => Some(join(
            rest.iter()
                .filter(|a| !matches!(a.text().as_ref(), "-n" | "-e" | "-E"))
                .cloned()
                .collect::<Vec<_>>()
                .as_slice(),
        )),
        "printf" if rest.len() == 1 => Some(rest[0].text().replace("\\n", "\n")),
        _ => None,
    }
}

fn join(args: &[Arg]) -> String {
    args.iter()
        .map(|a| a.text().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").to_string()
}

fn resolve_dir(cwd: Option<&Path>, dir: &std::ffi::OsStr) -> Option<PathBuf> {
    let dir = Path::new(dir);
    if dir.is_absolute() {
        Some(resolve::normalize(dir))
    } else {
        cwd.map(|c| resolve::normalize(&c.join(dir)))
    }
}

/// A script named on the command line, read (never run) so its commands can be reviewed.
fn read_script(cwd: Option<&Path>, file: &Arg) -> Option<String> {
    let path = resolve_dir(cwd, file.os())?;
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 4 * 1024 * 1024 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

impl Finding {
    pub fn argv_text(&self) -> Vec<String> {
        self.argv.iter().map(|a| a.text().into_owned()).collect()
    }

    pub fn reasons(&self) -> &[Reason] {
        &self.analysis.reasons
    }
}

//! Static word expansion: tilde, parameters known from the text or the environment,
//! brace alternatives, and globs matched against the real filesystem.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::GlobBuilder;

use crate::analyze::Arg;
use crate::context::Context;
use crate::syntax::{Param, ParamOp, Part, Word};

/// A shell variable's value as far as review can know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Known(String),
    /// Assigned from something that cannot be known statically (`$(...)`, `read`).
    Unknown,
}

/// The shell state review carries from command to command.
#[derive(Debug, Clone, Default)]
pub struct ShellState {
    /// None once a `cd` went somewhere that cannot be known.
    pub cwd: Option<PathBuf>,
    pub oldpwd: Option<PathBuf>,
    pub dir_stack: Vec<Option<PathBuf>>,
    pub vars: HashMap<String, Value>,
}

/// The result of expanding one word.
#[derive(Debug, Default)]
pub struct Expansion {
    pub fields: Vec<Arg>,
    /// Messages for expansions that may be empty and would make the word broader.
    pub hazards: Vec<String>,
    /// Command substitutions inside the word: they run too.
    pub substitutions: Vec<String>,
}

#[derive(Debug, Clone)]
struct Segment {
    text: String,
    quoted: bool,
    known: bool,
}

impl ShellState {
    fn lookup(&self, ctx: &Context, name: &str) -> Option<Value> {
        match name {
            "PWD" => {
                return Some(
                    self.cwd
                        .as_ref()
                        .map_or(Value::Unknown, |p| Value::Known(p.display().to_string())),
                );
            }
            "OLDPWD" => {
                return Some(
                    self.oldpwd
                        .as_ref()
                        .map_or(Value::Unknown, |p| Value::Known(p.display().to_string())),
                );
            }
            _ => {}
        }
        if let Some(v) = self.vars.get(name) {
            return Some(v.clone());
        }
        if let Some(v) = ctx.var(name) {
            return Some(Value::Known(v.to_string()));
        }
        match name {
            "HOME" => ctx.home().map(|h| Value::Known(h.display().to_string())),
            // Positional and special parameters of a script are not known here.
            n if n.chars().all(|c| c.is_ascii_digit())
                || ["@", "*", "#", "?", "$", "!", "-"].contains(&n) =>
            {
                Some(Value::Unknown)
            }
            _ => None,
        }
    }

    /// Expands a word into the fields the program would receive.
    pub fn expand(&self, ctx: &Context, word: &Word) -> Expansion {
        let mut out = Expansion::default();
        for alternative in &word.alternatives {
            let mut segments = Vec::new();
            self.segments(ctx, alternative, false, &mut segments, &mut out);
            if let Some(h) = self.hazard(ctx, alternative, &word.raw) {
                out.hazards.push(h);
            }
            self.fields(segments, &word.raw, &mut out.fields);
        }
        out
    }

    fn segments(
        &self,
        ctx: &Context,
        parts: &[Part],
        quoted: bool,
        segs: &mut Vec<Segment>,
        out: &mut Expansion,
    ) {
        for part in parts {
            match part {
                Part::Literal(s) => segs.push(Segment {
                    text: s.clone(),
                    quoted,
                    known: true,
                }),
                Part::Quoted(s) => segs.push(Segment {
                    text: s.clone(),
                    quoted: true,
                    known: true,
                }),
                Part::DoubleQuoted(inner) => self.segments(ctx, inner, true, segs, out),
                Part::Tilde(user) => {
                    let home = match user {
                        None => self.lookup(ctx, "HOME").and_then(known),
                        Some(u) => ctx.home_of(u).map(|p| p.display().to_string()),
                    };
                    let raw = format!("~{}", user.as_deref().unwrap_or(""));
                    segs.push(match home {
                        Some(h) => Segment {
                            text: h,
                            quoted: true,
                            known: true,
                        },
                        None => Segment {
                            text: raw,
                            quoted: true,
                            known: false,
                        },
                    });
                }
                Part::Param(p) => segs.push(self.param(ctx, p, quoted, out)),
                Part::CommandSubst(cmd) => {
                    out.substitutions.push(cmd.clone());
                    segs.push(Segment {
                        text: format!("$({cmd})"),
                        quoted,
                        known: false,
                    });
                }
                Part::Arithmetic(e) => segs.push(Segment {
                    text: format!("$(({e}))"),
                    quoted,
                    known: false,
                }),
            }
        }
    }

    fn param(&self, ctx: &Context, p: &Param, quoted: bool, out: &mut Expansion) -> Segment {
        let value = self.lookup(ctx, &p.name);
        let unknown = Segment {
            text: format!("${{{}}}", p.name),
            quoted,
            known: false,
        };
        let is_empty = |v: &Option<Value>, colon: bool| match v {
            None => true,
            Some(Value::Known(s)) => colon && s.is_empty(),
            Some(Value::Unknown) => false,
        };
        let word_value = |w: &str, out: &mut Expansion| -> Segment {
            let e = self.expand(ctx, &Word::parse(w));
            out.substitutions.extend(e.substitutions);
            match e.fields.as_slice() {
                [one] if one.exact => Segment {
                    text: one.text().into_owned(),
                    quoted,
                    known: true,
                },
                [] => Segment {
                    text: String::new(),
                    quoted,
                    known: true,
                },
                _ => Segment {
                    text: w.to_string(),
                    quoted,
                    known: false,
                },
            }
        };
        match &p.op {
            // A variable neither set here nor assigned in the text may well be set where
            // the text will run: its value is unknown, not empty.
            ParamOp::Plain => match value {
                Some(Value::Known(s)) => Segment {
                    text: s,
                    quoted,
                    known: true,
                },
                _ => unknown,
            },
            // The shell stops before running anything when the guard fails, so an unset
            // value never reaches the command: only a set one could.
            ParamOp::Required { colon } => match value {
                Some(Value::Known(s)) if !(*colon && s.is_empty()) => Segment {
                    text: s,
                    quoted,
                    known: true,
                },
                _ => unknown,
            },
            ParamOp::Default { word, colon } | ParamOp::Assign { word, colon } => {
                if matches!(value, Some(Value::Unknown)) {
                    unknown
                } else if is_empty(&value, *colon) {
                    word_value(word, out)
                } else if let Some(Value::Known(s)) = value {
                    Segment {
                        text: s,
                        quoted,
                        known: true,
                    }
                } else {
                    unknown
                }
            }
            ParamOp::Alternative { word, colon } => match value {
                Some(Value::Unknown) => unknown,
                ref v if is_empty(v, *colon) => Segment {
                    text: String::new(),
                    quoted,
                    known: true,
                },
                _ => word_value(word, out),
            },
            ParamOp::Transformed => unknown,
        }
    }

    /// `"$DIR/"*`, `$DIR/`, `${DIR}/lib`: a leading expansion that may be empty turns the
    /// rest into an absolute path starting at `/`. `${DIR:?}` and defaults guard it.
    fn hazard(&self, ctx: &Context, parts: &[Part], raw: &str) -> Option<String> {
        let flat = flatten(parts);
        let (first, rest) = flat.split_first()?;
        let Part::Param(p) = first else { return None };
        if !matches!(p.op, ParamOp::Plain) {
            return None;
        }
        let starts_with_slash = match rest.first() {
            Some(Part::Literal(s) | Part::Quoted(s)) => s.starts_with('/'),
            _ => false,
        };
        if !starts_with_slash {
            return None;
        }
        let may_be_empty = match self.lookup(ctx, &p.name) {
            None | Some(Value::Unknown) => true,
            Some(Value::Known(s)) => s.is_empty(),
        };
        if !may_be_empty {
            return None;
        }
        let worst: String = rest
            .iter()
            .map(|part| match part {
                Part::Literal(s) | Part::Quoted(s) => s.clone(),
                _ => "…".to_string(),
            })
            .collect();
        Some(format!(
            "with {name} empty or unset, '{raw}' becomes '{worst}'; guard it with \"${{{name}:?}}\"",
            name = p.name
        ))
    }

    /// Joins segments into fields: unquoted known values split on whitespace, unquoted
    /// glob characters match against the filesystem.
    fn fields(&self, segments: Vec<Segment>, raw: &str, fields: &mut Vec<Arg>) {
        let known = segments.iter().all(|s| s.known);
        if !known {
            let text: String = segments.iter().map(|s| s.text.as_str()).collect();
            fields.push(Arg::inexact(if text.is_empty() {
                raw.to_string()
            } else {
                text
            }));
            return;
        }
        // Field splitting of unquoted expansion results.
        let mut words: Vec<Vec<Segment>> = vec![Vec::new()];
        let mut saw_quoted_or_literal = false;
        for seg in segments {
            if !seg.quoted && seg.text.chars().any(char::is_whitespace) {
                let mut pieces = seg.text.split(char::is_whitespace).peekable();
                while let Some(piece) = pieces.next() {
                    if !piece.is_empty() {
                        words.last_mut().expect("non-empty").push(Segment {
                            text: piece.to_string(),
                            ..seg.clone()
                        });
                    }
                    if pieces.peek().is_some() {
                        words.push(Vec::new());
                    }
                }
            } else {
                saw_quoted_or_literal |= seg.quoted || !seg.text.is_empty();
                words.last_mut().expect("non-empty").push(seg);
            }
        }
        for word in words {
            let text: String = word.iter().map(|s| s.text.as_str()).collect();
            let globbing = word
                .iter()
                .any(|s| !s.quoted && s.text.contains(['*', '?', '[']));
            if globbing {
                let pattern: String = word
                    .iter()
                    .map(|s| {
                        if s.quoted {
                            globset_escape(&s.text)
                        } else {
                            s.text.clone()
                        }
                    })
                    .collect();
                let matches = glob(&pattern, self.cwd.as_deref());
                if !matches.is_empty() {
                    fields.extend(matches.into_iter().map(Arg::exact));
                    continue;
                }
            }
            if !text.is_empty() || word.iter().any(|s| s.quoted) {
                fields.push(Arg::exact(text));
            }
        }
        let _ = saw_quoted_or_literal;
    }
}

fn known(v: Value) -> Option<String> {
    match v {
        Value::Known(s) => Some(s),
        Value::Unknown => None,
    }
}

fn flatten(parts: &[Part]) -> Vec<Part> {
    let mut out = Vec::new();
    for part in parts {
        match part {
            Part::DoubleQuoted(inner) => out.extend(flatten(inner)),
            other => out.push(other.clone()),
        }
    }
    out
}

fn globset_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Pathname expansion as bash does it: component by component, hidden names only for
/// patterns that start with a dot, results sorted; relative patterns against `cwd`.
pub fn glob(pattern: &str, cwd: Option<&Path>) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let base = if absolute {
        PathBuf::from("/")
    } else {
        match cwd {
            Some(c) => c.to_path_buf(),
            None => return Vec::new(),
        }
    };
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let trailing_slash = pattern.ends_with('/');
    // (path on disk, path as the result will show it)
    let mut current: Vec<(PathBuf, String)> = vec![(
        base,
        if absolute {
            "/".to_string()
        } else {
            String::new()
        },
    )];
    for component in components {
        let is_pattern = component.contains(['*', '?', '[']);
        let mut next = Vec::new();
        for (dir, shown) in &current {
            let join = |name: &str| {
                if shown.is_empty() || shown.ends_with('/') {
                    format!("{shown}{name}")
                } else {
                    format!("{shown}/{name}")
                }
            };
            if !is_pattern {
                let name = unescape(component);
                next.push((dir.join(&name), join(&name)));
                continue;
            }
            let Ok(matcher) = GlobBuilder::new(component)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
            else {
                return Vec::new();
            };
            let matcher = matcher.compile_matcher();
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.') || component.starts_with('.'))
                .filter(|n| matcher.is_match(n))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| (dir.join(&n), join(&n))));
        }
        current = next
            .into_iter()
            .filter(|(p, _)| std::fs::symlink_metadata(p).is_ok())
            .collect();
        if current.is_empty() {
            return Vec::new();
        }
    }
    current
        .into_iter()
        .filter(|(p, _)| !trailing_slash || p.is_dir())
        .map(|(_, shown)| {
            if trailing_slash {
                format!("{shown}/")
            } else {
                shown
            }
        })
        .collect()
}

fn unescape(component: &str) -> String {
    let mut out = String::new();
    let mut chars = component.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

//! Words split into typed pieces: what is literal, what is quoted, what expands.

use brush_parser::word::{self as bw, ParameterExpr, ParameterTestType, WordPiece};

use super::parser_options;

/// A word as written, with its pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub raw: String,
    /// Alternatives from brace expansion (`/{usr,lib}`), each a list of pieces; one
    /// alternative for words without braces.
    pub alternatives: Vec<Vec<Part>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text: subject to globbing.
    Literal(String),
    /// Quoted or escaped text: taken as is.
    Quoted(String),
    /// A double-quoted sequence: expansions inside are not split or globbed.
    DoubleQuoted(Vec<Part>),
    /// `~` (None) or `~user`; `~+` and `~-` are `$PWD` and `$OLDPWD`.
    Tilde(Option<String>),
    Param(Param),
    /// `$(...)` or backquotes: runs a command whose output cannot be known statically.
    CommandSubst(String),
    /// `$((...))`
    Arithmetic(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub op: ParamOp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${X:-word}` / `${X-word}` (colon: also when empty)
    Default {
        word: String,
        colon: bool,
    },
    /// `${X:=word}`
    Assign {
        word: String,
        colon: bool,
    },
    /// `${X:?msg}`: the shell stops when X is unset (or empty): a guard.
    Required {
        colon: bool,
    },
    /// `${X:+word}`
    Alternative {
        word: String,
        colon: bool,
    },
    /// Length, substrings, pattern removal, case changes...: the value is transformed.
    Transformed,
}

impl Word {
    pub fn parse(raw: &str) -> Word {
        // Most words are plain (`-rf`, `./build`): no quoting, expansion or globbing to see.
        if raw.bytes().all(is_plain_byte) && !raw.is_empty() && !raw.starts_with('~') {
            return Word {
                raw: raw.to_string(),
                alternatives: vec![vec![Part::Literal(raw.to_string())]],
            };
        }
        let options = parser_options();
        let braces = if raw.contains('{') {
            bw::parse_brace_expansions(raw, &options).ok().flatten()
        } else {
            None
        };
        let alternatives = match braces {
            Some(pieces) => expand_braces(&pieces)
                .into_iter()
                .map(|alt| parse_pieces(&alt))
                .collect(),
            None => vec![parse_pieces(raw)],
        };
        Word {
            raw: raw.to_string(),
            alternatives,
        }
    }

    /// A word with no expansions at all: its literal value.
    pub fn literal(&self) -> Option<String> {
        if self.alternatives.len() != 1 {
            return None;
        }
        let mut out = String::new();
        for part in &self.alternatives[0] {
            literal_into(part, &mut out)?;
        }
        Some(out)
    }
}

/// Bytes that mean nothing special to bash inside a word.
fn is_plain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_' | b'.' | b'/' | b',' | b'+' | b'@' | b'%' | b':' | b'='
        )
}

fn literal_into(part: &Part, out: &mut String) -> Option<()> {
    match part {
        Part::Literal(s) | Part::Quoted(s) => out.push_str(s),
        Part::DoubleQuoted(parts) => {
            for p in parts {
                literal_into(p, out)?;
            }
        }
        _ => return None,
    }
    Some(())
}

fn parse_pieces(raw: &str) -> Vec<Part> {
    match bw::parse(raw, &parser_options()) {
        Ok(pieces) => pieces.into_iter().map(|p| convert(p.piece)).collect(),
        // Words the word parser rejects are kept as literal text.
        Err(_) => vec![Part::Literal(raw.to_string())],
    }
}

fn convert(piece: WordPiece) -> Part {
    match piece {
        WordPiece::Text(s) => Part::Literal(s),
        WordPiece::SingleQuotedText(s) => Part::Quoted(s),
        WordPiece::AnsiCQuotedText(s) => Part::Quoted(unescape_ansi_c(&s)),
        WordPiece::EscapeSequence(s) => {
            Part::Quoted(s.strip_prefix('\\').unwrap_or(&s).to_string())
        }
        WordPiece::DoubleQuotedSequence(seq) | WordPiece::GettextDoubleQuotedSequence(seq) => {
            Part::DoubleQuoted(
                seq.into_iter()
                    .map(|p| convert_in_quotes(p.piece))
                    .collect(),
            )
        }
        WordPiece::TildeExpansion(t) => match t {
            bw::TildeExpr::Home => Part::Tilde(None),
            bw::TildeExpr::UserHome(u) => Part::Tilde(Some(u)),
            bw::TildeExpr::WorkingDir => Part::Param(Param {
                name: "PWD".into(),
                op: ParamOp::Plain,
            }),
            bw::TildeExpr::OldWorkingDir => Part::Param(Param {
                name: "OLDPWD".into(),
                op: ParamOp::Plain,
            }),
            _ => Part::CommandSubst("dirs".into()),
        },
        WordPiece::ParameterExpansion(expr) => Part::Param(convert_param(expr)),
        WordPiece::CommandSubstitution(s) | WordPiece::BackquotedCommandSubstitution(s) => {
            Part::CommandSubst(s)
        }
        WordPiece::ArithmeticExpression(e) => Part::Arithmetic(e.value),
    }
}

/// Inside double quotes, text is not globbed.
fn convert_in_quotes(piece: WordPiece) -> Part {
    match convert(piece) {
        Part::Literal(s) => Part::Quoted(s),
        other => other,
    }
}

fn convert_param(expr: ParameterExpr) -> Param {
    use ParameterExpr as E;
    let colon = |t: &ParameterTestType| matches!(t, ParameterTestType::UnsetOrNull);
    let (parameter, op) = match expr {
        E::Parameter {
            parameter,
            indirect: false,
        } => (parameter, ParamOp::Plain),
        E::UseDefaultValues {
            parameter,
            test_type,
            default_value,
            ..
        } => {
            let op = ParamOp::Default {
                word: default_value.unwrap_or_default(),
                colon: colon(&test_type),
            };
            (parameter, op)
        }
        E::AssignDefaultValues {
            parameter,
            test_type,
            default_value,
            ..
        } => {
            let op = ParamOp::Assign {
                word: default_value.unwrap_or_default(),
                colon: colon(&test_type),
            };
            (parameter, op)
        }
        E::IndicateErrorIfNullOrUnset {
            parameter,
            test_type,
            ..
        } => (
            parameter,
            ParamOp::Required {
                colon: colon(&test_type),
            },
        ),
        E::UseAlternativeValue {
            parameter,
            test_type,
            alternative_value,
            ..
        } => {
            let op = ParamOp::Alternative {
                word: alternative_value.unwrap_or_default(),
                colon: colon(&test_type),
            };
            (parameter, op)
        }
        other => {
            return Param {
                name: transformed_name(&other),
                op: ParamOp::Transformed,
            };
        }
    };
    Param {
        name: parameter_name(&parameter),
        op,
    }
}

fn parameter_name(p: &bw::Parameter) -> String {
    match p {
        bw::Parameter::Named(name) => name.clone(),
        bw::Parameter::NamedWithIndex { name, .. }
        | bw::Parameter::NamedWithAllIndices { name, .. } => {
            format!("{name}[]")
        }
        bw::Parameter::Positional(n) => n.to_string(),
        bw::Parameter::Special(s) => s.to_string(),
    }
}

fn transformed_name(expr: &ParameterExpr) -> String {
    // Every transforming variant names its parameter in a `parameter` field; the Debug
    // form is the one stable way to reach it without listing all fifteen variants.
    let shown = format!("{expr:?}");
    shown.split('"').nth(1).unwrap_or("?").to_string()
}

fn expand_braces(pieces: &[bw::BraceExpressionOrText]) -> Vec<String> {
    let mut results = vec![String::new()];
    for piece in pieces {
        let options: Vec<String> = match piece {
            bw::BraceExpressionOrText::Text(t) => vec![t.clone()],
            bw::BraceExpressionOrText::Expr(members) => {
                members.iter().flat_map(expand_member).collect()
            }
        };
        results = results
            .iter()
            .flat_map(|r| options.iter().map(move |o| format!("{r}{o}")))
            .collect();
        if results.len() > 4096 {
            break;
        }
    }
    results
}

fn expand_member(member: &bw::BraceExpressionMember) -> Vec<String> {
    match member {
        bw::BraceExpressionMember::NumberSequence {
            start,
            end,
            increment,
        } => {
            let step = increment.unsigned_abs().max(1) as usize;
            let (lo, hi) = (*start.min(end), *start.max(end));
            let mut v: Vec<String> = (lo..=hi)
                .step_by(step)
                .take(4096)
                .map(|n| n.to_string())
                .collect();
            if start > end {
                v.reverse();
            }
            v
        }
        bw::BraceExpressionMember::CharSequence { start, end, .. } => {
            let (lo, hi) = (*start.min(end), *start.max(end));
            (lo..=hi).map(String::from).collect()
        }
        bw::BraceExpressionMember::Child(children) => expand_braces(children),
    }
}

fn unescape_ansi_c(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

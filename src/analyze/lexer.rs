//! Tokens of interpreter code (Python, Perl, Ruby, JavaScript), for the one-liner and
//! MongoDB shell analyzers: enough to tell a call such as `shutil.rmtree('/x')` from the
//! same words inside a string or a comment, and to read its literal arguments.
//!
//! Not a parser: calls are found by shape (`name(args)`, and `name args` for Perl and
//! Ruby), receivers by walking back over `.`. Perl and Ruby regex literals are told from
//! division by the token before them, the way their parsers guess; heredocs inside
//! one-liners, Ruby `?x` characters and Perl formats are not recognised.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Perl,
    Ruby,
    JavaScript,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A name; Perl and Ruby `A::B::c` is one name. Perl variables keep their sigil.
    Ident(String),
    /// A string literal: its value, or None when it interpolates (f"{x}", "$x", "#{x}", `${x}`).
    Str(Option<String>),
    /// Text that a shell runs: backticks, Perl `qx{}`, Ruby `%x()`.
    Shell(Option<String>),
    /// A list of words: Perl `qw(a b)`, Ruby `%w(a b)`.
    Words(Vec<String>),
    /// A number, a regex, or another literal whose value does not matter here.
    Opaque,
    Punct(char),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    /// Where the token is in the source (bytes), for messages.
    pub span: Range<usize>,
}

impl Token {
    pub fn is(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    pub fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    pub fn literal(&self) -> Option<&str> {
        match &self.tok {
            Tok::Str(Some(s)) => Some(s),
            _ => None,
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
    lang: Lang,
    depth: usize,
    out: Vec<Token>,
}

/// The tokens of `code`. Never fails: unterminated strings run to the end.
pub fn tokenize(code: &str, lang: Lang) -> Vec<Token> {
    let mut lx = Lexer {
        src: code,
        chars: code.char_indices().collect(),
        i: 0,
        lang,
        depth: 0,
        out: Vec::new(),
    };
    lx.run();
    lx.out
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        c => c,
    }
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).map(|&(_, c)| c)
    }

    fn pos(&self) -> usize {
        self.chars.get(self.i).map_or(self.src.len(), |&(p, _)| p)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        let end = self.pos();
        self.out.push(Token {
            tok,
            span: start..end,
        });
    }

    /// A `/` starts a regex (not a division) after an operator, an opening bracket or
    /// nothing at all; after a value it divides.
    fn regex_allowed(&self) -> bool {
        match self.out.last().map(|t| &t.tok) {
            None => true,
            Some(Tok::Punct(c)) => !matches!(c, ')' | ']' | '}'),
            Some(Tok::Ident(name)) => {
                !name.starts_with(['$', '@'])
                    && matches!(
                        name.as_str(),
                        "split"
                            | "grep"
                            | "map"
                            | "and"
                            | "or"
                            | "not"
                            | "if"
                            | "unless"
                            | "return"
                            | "when"
                            | "while"
                            | "until"
                            | "typeof"
                    )
            }
            _ => false,
        }
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                break;
            }
            self.i += 1;
        }
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            let start = self.pos();
            if c == '\n' {
                self.i += 1;
                if self.lang == Lang::Ruby && self.depth == 0 {
                    self.push(Tok::Punct(';'), start);
                    if self.src[self.pos()..].starts_with("=begin") {
                        self.skip_block_comment("\n=end");
                    }
                }
                continue;
            }
            if c.is_whitespace() {
                self.i += 1;
                continue;
            }
            let hash_comment = matches!(self.lang, Lang::Python | Lang::Ruby | Lang::Perl);
            if c == '#' && hash_comment {
                self.skip_line();
                continue;
            }
            if self.lang == Lang::JavaScript && c == '/' && self.peek(1) == Some('/') {
                self.skip_line();
                continue;
            }
            if self.lang == Lang::JavaScript && c == '/' && self.peek(1) == Some('*') {
                self.i += 2;
                self.skip_block_comment("*/");
                continue;
            }
            if c == '\'' || c == '"' {
                self.string(c, start, "");
                continue;
            }
            if c == '`' {
                self.i += 1;
                let (body, interpolates) = self.delimited('`', '`');
                let tok = if self.lang == Lang::JavaScript {
                    Tok::Str((!body.contains("${")).then_some(body))
                } else {
                    Tok::Shell((!interpolates).then_some(body))
                };
                self.push(tok, start);
                continue;
            }
            if c == '/' && self.lang != Lang::Python && self.regex_allowed() {
                self.i += 1;
                self.delimited('/', '/');
                self.skip_word_chars();
                self.push(Tok::Opaque, start);
                continue;
            }
            if self.lang == Lang::Perl && matches!(c, '$' | '@') {
                self.perl_variable(start);
                continue;
            }
            if self.lang == Lang::Ruby && c == '%' && self.ruby_percent(start) {
                continue;
            }
            if c.is_ascii_digit() {
                self.skip_word_chars();
                self.push(Tok::Opaque, start);
                continue;
            }
            if is_ident_start(c) || (self.lang == Lang::JavaScript && c == '$') {
                self.word(start);
                continue;
            }
            match c {
                '(' | '[' | '{' => self.depth += 1,
                ')' | ']' | '}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            self.i += 1;
            self.push(Tok::Punct(c), start);
        }
    }

    fn skip_block_comment(&mut self, end: &str) {
        match self.src[self.pos()..].find(end) {
            Some(off) => {
                let target = self.pos() + off + end.len();
                while self.pos() < target {
                    self.i += 1;
                }
            }
            None => self.i = self.chars.len(),
        }
    }

    fn skip_word_chars(&mut self) {
        while self.peek(0).is_some_and(|c| is_ident(c) || c == '.') {
            self.i += 1;
        }
    }

    fn word(&mut self, start: usize) {
        let mut name = String::new();
        loop {
            while let Some(c) = self.peek(0).filter(|&c| is_ident(c) || c == '$') {
                name.push(c);
                self.i += 1;
            }
            // Perl and Ruby package paths: File::Path::rmtree, FileUtils::rm_rf.
            let colons = matches!(self.lang, Lang::Perl | Lang::Ruby)
                && self.peek(0) == Some(':')
                && self.peek(1) == Some(':')
                && self.peek(2).is_some_and(is_ident_start);
            if !colons {
                break;
            }
            name.push_str("::");
            self.i += 2;
        }
        let quote = self.peek(0).filter(|c| *c == '\'' || *c == '"');
        match (self.lang, quote) {
            (Lang::Python, Some(q))
                if name.len() <= 2
                    && name.chars().all(|c| "rRbBuUfF".contains(c))
                    && !name.to_ascii_lowercase().starts_with("ff") =>
            {
                return self.string(q, start, &name.to_ascii_lowercase());
            }
            // A quote-like operator consumes its body; otherwise the word is a name.
            (Lang::Perl, _)
                if matches!(
                    name.as_str(),
                    "q" | "qq" | "qw" | "qx" | "m" | "qr" | "s" | "tr" | "y"
                ) && self.perl_quote(&name, start) =>
            {
                return;
            }
            _ => {}
        }
        self.push(Tok::Ident(name), start);
    }

    /// A quoted string starting at the quote `q` (the lexer stands on it).
    fn string(&mut self, q: char, start: usize, prefix: &str) {
        let raw = prefix.contains('r');
        let triple =
            self.lang == Lang::Python && self.peek(1) == Some(q) && self.peek(2) == Some(q);
        self.i += if triple { 3 } else { 1 };
        let mut value = String::new();
        let mut interpolates = false;
        while let Some(c) = self.peek(0) {
            if c == q {
                if !triple {
                    self.i += 1;
                    break;
                }
                if self.peek(1) == Some(q) && self.peek(2) == Some(q) {
                    self.i += 3;
                    break;
                }
            }
            if c == '\\'
                && let Some(next) = self.peek(1)
            {
                self.i += 2;
                let single_perlish = q == '\'' && matches!(self.lang, Lang::Perl | Lang::Ruby);
                if raw || (single_perlish && next != '\\' && next != '\'') {
                    value.push('\\');
                    value.push(next);
                } else {
                    value.push(match next {
                        'n' => '\n',
                        't' => '\t',
                        '0' => '\0',
                        other => other,
                    });
                }
                continue;
            }
            if q == '"' || prefix.contains('f') {
                interpolates |= match (self.lang, c) {
                    (Lang::Python, '{') => prefix.contains('f') && self.peek(1) != Some('{'),
                    (Lang::Perl, '$' | '@') => self
                        .peek(1)
                        .is_some_and(|n| is_ident_start(n) || matches!(n, '{' | ':' | '_')),
                    (Lang::Ruby, '#') => self.peek(1) == Some('{'),
                    _ => false,
                };
            }
            value.push(c);
            self.i += 1;
        }
        self.push(Tok::Str((!interpolates).then_some(value)), start);
    }

    /// The body up to the closing delimiter (nesting bracket pairs); whether it
    /// interpolates a variable as Perl or Ruby double quotes would.
    fn delimited(&mut self, open: char, close: char) -> (String, bool) {
        let mut body = String::new();
        let mut nest = 0usize;
        let mut interpolates = false;
        while let Some(c) = self.peek(0) {
            self.i += 1;
            if c == '\\' {
                if let Some(next) = self.peek(0) {
                    self.i += 1;
                    if next != close && next != open {
                        body.push('\\');
                    }
                    body.push(next);
                }
                continue;
            }
            if c == close && nest == 0 {
                return (body, interpolates);
            }
            if open != close {
                if c == open {
                    nest += 1;
                } else if c == close {
                    nest -= 1;
                }
            }
            if (c == '$' || c == '@') && self.peek(0).is_some_and(|n| is_ident_start(n) || n == '{')
                || c == '#' && self.peek(0) == Some('{')
            {
                interpolates = true;
            }
            body.push(c);
        }
        (body, interpolates)
    }

    /// Perl `q{}`, `qq{}`, `qw()`, `qx{}`, `m//`, `qr//`, `s///`, `tr///`, `y///`;
    /// false when the word is not followed by a delimiter (then it is a plain name).
    fn perl_quote(&mut self, word: &str, start: usize) -> bool {
        let mut k = 0;
        while self.peek(k).is_some_and(|c| c == ' ' || c == '\t') {
            k += 1;
        }
        let Some(open) = self.peek(k) else {
            return false;
        };
        let delimiter = !(is_ident(open)
            || open.is_whitespace()
            || matches!(open, ',' | ';' | ')' | '=' | '-' | '>' | '<' | '.' | '}'));
        // `s = ...` or `y => 1` are names, not operators.
        if !delimiter || (k > 0 && open == '#') {
            return false;
        }
        self.i += k + 1;
        let close = closing(open);
        let (body, interpolates) = self.delimited(open, close);
        if matches!(word, "s" | "tr" | "y") {
            // The replacement part: `s/a/b/` shares the delimiter, `s{a}{b}` opens another.
            if open != close {
                while self.peek(0).is_some_and(char::is_whitespace) {
                    self.i += 1;
                }
                if let Some(o2) = self.peek(0) {
                    self.i += 1;
                    self.delimited(o2, closing(o2));
                }
            } else {
                self.delimited(open, close);
            }
        }
        if matches!(word, "m" | "qr" | "s" | "tr" | "y") {
            self.skip_word_chars();
        }
        let tok = match word {
            "q" => Tok::Str(Some(body)),
            "qq" => Tok::Str((!interpolates).then_some(body)),
            "qw" => Tok::Words(body.split_whitespace().map(str::to_string).collect()),
            "qx" => Tok::Shell((!interpolates || open == '\'').then_some(body)),
            _ => Tok::Opaque,
        };
        self.push(tok, start);
        true
    }

    /// `$name`, `@name`, `$#name`, `${name}`, `$_`, `$0`, `$!`, ...
    fn perl_variable(&mut self, start: usize) {
        let sigil = self.peek(0).unwrap_or('$');
        self.i += 1;
        let mut name = String::from(sigil);
        if self.peek(0) == Some('#') && self.peek(1).is_some_and(|c| is_ident_start(c) || c == '$')
        {
            name.push('#');
            self.i += 1;
        }
        match self.peek(0) {
            Some(c) if is_ident(c) || c == ':' => {
                while let Some(c) = self.peek(0).filter(|&c| is_ident(c) || c == ':') {
                    name.push(c);
                    self.i += 1;
                }
            }
            Some('{') if sigil == '$' => {
                // ${name} or ${ expr }: opaque, but a variable all the same.
                self.i += 1;
                let (body, _) = self.delimited('{', '}');
                name.push_str(&body);
            }
            Some(c) if !c.is_whitespace() && !matches!(c, '(' | '[' | '{' | ')' | ';' | ',') => {
                name.push(c);
                self.i += 1;
            }
            _ => {}
        }
        self.push(Tok::Ident(name), start);
    }

    /// Ruby `%q()`, `%Q{}`, `%()`, `%w[]`, `%i[]`, `%x()`, `%r{}`; false for the modulo operator.
    fn ruby_percent(&mut self, start: usize) -> bool {
        let (kind, open) = match (self.peek(1), self.peek(2)) {
            (Some(k), Some(o)) if "qQwWiIxrs".contains(k) && !is_ident(o) && !o.is_whitespace() => {
                (k, o)
            }
            (Some(o), _) if matches!(o, '(' | '[' | '{' | '<' | '|' | '!') => ('Q', o),
            _ => return false,
        };
        // After a name, `rm_rf %w[a b]` is a literal but `x % y` or `x %(y)` divides.
        let spaced_argument = matches!(self.out.last().map(|t| &t.tok), Some(Tok::Ident(_)))
            && self.i > 0
            && self.chars[self.i - 1].1.is_whitespace()
            && kind != 'Q';
        if !self.regex_allowed() && !spaced_argument {
            return false;
        }
        self.i += if kind == 'Q' && self.peek(1) == Some(open) {
            2
        } else {
            3
        };
        let (body, interpolates) = self.delimited(open, closing(open));
        let tok = match kind {
            'q' => Tok::Str(Some(body)),
            'Q' => Tok::Str((!interpolates).then_some(body)),
            'w' | 'W' | 'i' | 'I' => {
                Tok::Words(body.split_whitespace().map(str::to_string).collect())
            }
            'x' => Tok::Shell((!interpolates).then_some(body)),
            _ => {
                self.skip_word_chars();
                Tok::Opaque
            }
        };
        self.push(tok, start);
        true
    }
}

/// One piece of a receiver chain, outermost first: `db`, `getCollection('x')`, `['x']`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Name(String),
    /// A call and its first argument when that is a literal string.
    Call(String, Option<String>),
    /// `[...]` and the literal inside it.
    Index(Option<String>),
}

/// A call found in the code.
#[derive(Debug, Clone)]
pub struct Call {
    /// The called name (`rmtree`, `unlink`, `File::Path::rmtree`).
    pub name: String,
    /// What it is called on (`shutil`, `Path('/x')`, `require('fs')`), outermost first.
    pub receiver: Vec<Seg>,
    /// Token ranges of the arguments.
    pub args: Vec<Range<usize>>,
    /// The source of the whole call (bytes), for messages.
    pub span: Range<usize>,
}

impl Call {
    /// `shutil.rmtree`, `Path().unlink`, `require().rmSync`, `File.Path.rmtree`
    /// (`::` as `.`), for matching against tables of known calls.
    pub fn qualified(&self) -> String {
        let mut parts: Vec<String> = self
            .receiver
            .iter()
            .map(|s| match s {
                Seg::Name(n) => n.replace("::", "."),
                Seg::Call(n, _) => format!("{}()", n.replace("::", ".")),
                Seg::Index(_) => "[]".to_string(),
            })
            .collect();
        parts.push(self.name.replace("::", "."));
        parts.join(".")
    }

    /// The call as written, shortened for messages.
    pub fn text(&self, code: &str) -> String {
        let text: String = code[self.span.clone()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if text.chars().count() > 80 {
            format!("{}…", text.chars().take(79).collect::<String>())
        } else {
            text
        }
    }
}

/// Words that end the arguments of a call written without parentheses.
const LOW_PRECEDENCE: &[&str] = &[
    "or", "and", "if", "unless", "while", "until", "for", "foreach", "do", "end", "then", "rescue",
];

/// The index of the bracket matching the one at `open` (or the end).
pub fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The bracket matching the closing one at `close`, walking back.
fn matching_back(tokens: &[Token], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for k in (0..=close).rev() {
        match tokens[k].tok {
            Tok::Punct(')' | ']' | '}') => depth += 1,
            Tok::Punct('(' | '[' | '{') => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `range` at its top-level commas (Perl `=>` counts as a comma).
pub fn split_args(tokens: &[Token], range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = range.start;
    let mut k = range.start;
    while k < range.end {
        match tokens[k].tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Tok::Punct(',') if depth == 0 => {
                out.push(start..k);
                start = k + 1;
            }
            _ => {}
        }
        k += 1;
    }
    if start < range.end {
        out.push(start..range.end);
    }
    out
}

/// The receiver chain ending just before the `.` at `dot` (or `->`), outermost first,
/// and the index of its first token.
fn receiver(tokens: &[Token], mut dot: usize) -> (Vec<Seg>, usize) {
    let mut chain = Vec::new();
    let mut first = dot;
    while dot > 0 {
        let end = dot - 1;
        let (seg, before) = match &tokens[end].tok {
            Tok::Ident(name) => (Seg::Name(name.clone()), end),
            Tok::Punct(')') => {
                let Some(open) = matching_back(tokens, end) else {
                    break;
                };
                let arg = split_args(tokens, open + 1..end)
                    .first()
                    .and_then(|r| single_literal(tokens, r.clone()));
                match open
                    .checked_sub(1)
                    .and_then(|k| tokens[k].ident().map(|n| (k, n)))
                {
                    Some((k, name)) => (Seg::Call(name.to_string(), arg), k),
                    None => break,
                }
            }
            Tok::Punct(']') => {
                let Some(open) = matching_back(tokens, end) else {
                    break;
                };
                chain.push(Seg::Index(single_literal(tokens, open + 1..end)));
                first = open;
                // `db['x']`: what stands before the bracket is indexed, no dot between.
                dot = open;
                continue;
            }
            _ => break,
        };
        chain.push(seg);
        first = before;
        match before.checked_sub(1) {
            Some(k) if tokens[k].is('.') => dot = k,
            Some(k) if k >= 1 && tokens[k].is('>') && tokens[k - 1].is('-') => dot = k - 1,
            _ => break,
        }
    }
    chain.reverse();
    (chain, first)
}

fn single_literal(tokens: &[Token], range: Range<usize>) -> Option<String> {
    match tokens.get(range.clone()) {
        Some([t]) => t.literal().map(str::to_string),
        _ => None,
    }
}

/// Every call in `tokens` whose name satisfies `wanted`. Names written without
/// parentheses (Perl `unlink "a"`, Ruby `FileUtils.rm_rf "x"`) count when `bare(name)`.
pub fn calls(
    tokens: &[Token],
    lang: Lang,
    wanted: impl Fn(&str) -> bool,
    bare: impl Fn(&str) -> bool,
) -> Vec<Call> {
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some(name) = token.ident() else { continue };
        if !wanted(name) {
            continue;
        }
        let after_dot = i >= 1 && tokens[i - 1].is('.');
        let after_arrow = i >= 2 && tokens[i - 1].is('>') && tokens[i - 2].is('-');
        let (receiver, first) = if after_dot {
            receiver(tokens, i - 1)
        } else if after_arrow {
            receiver(tokens, i - 2)
        } else {
            (Vec::new(), i)
        };
        // A method definition of the same name is not a call.
        if i >= 1 && matches!(tokens[i - 1].ident(), Some("def" | "sub" | "function")) {
            continue;
        }
        let start = tokens[first.min(i)].span.start;
        match tokens.get(i + 1) {
            Some(t) if t.is('(') => {
                let close = matching(tokens, i + 1);
                let end = tokens.get(close).map_or(token.span.end, |t| t.span.end);
                out.push(Call {
                    name: name.to_string(),
                    receiver,
                    args: split_args(tokens, i + 2..close.min(tokens.len())),
                    span: start..end,
                });
            }
            next if matches!(lang, Lang::Perl | Lang::Ruby) && bare(name) => {
                // Not a call: a hash key (`unlink => 1`), an assignment, a method reference.
                if next.is_some_and(|t| t.is('=') || t.is('.') || t.is(':')) {
                    continue;
                }
                let mut end = i + 1;
                let mut depth = 0usize;
                while let Some(t) = tokens.get(end) {
                    match &t.tok {
                        Tok::Punct('(' | '[' | '{') => depth += 1,
                        Tok::Punct(')' | ']' | '}') if depth == 0 => break,
                        Tok::Punct(')' | ']' | '}') => depth -= 1,
                        Tok::Punct(';') if depth == 0 => break,
                        Tok::Ident(w) if depth == 0 && LOW_PRECEDENCE.contains(&w.as_str()) => {
                            break;
                        }
                        _ => {}
                    }
                    end += 1;
                }
                let span_end = if end > i + 1 {
                    tokens[end - 1].span.end
                } else {
                    token.span.end
                };
                out.push(Call {
                    name: name.to_string(),
                    receiver,
                    args: split_args(tokens, i + 1..end),
                    span: start..span_end,
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(code: &str, lang: Lang) -> Vec<Option<String>> {
        tokenize(code, lang)
            .into_iter()
            .filter_map(|t| match t.tok {
                Tok::Str(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn python_strings_prefixes_and_fstrings() {
        assert_eq!(
            strs(
                r#"a = 'x' + "y" + r'\d' + f"{v}" + f"plain" + '''t'''"#,
                Lang::Python
            ),
            vec![
                Some("x".into()),
                Some("y".into()),
                Some(r"\d".into()),
                None,
                Some("plain".into()),
                Some("t".into())
            ]
        );
    }

    #[test]
    fn comments_are_not_code() {
        let t = tokenize("# shutil.rmtree('/')\nprint(1)", Lang::Python);
        assert!(t.iter().all(|t| t.ident() != Some("shutil")));
        let t = tokenize(
            "// fs.rmSync('/')\n/* fs.rmSync('/') */ x",
            Lang::JavaScript,
        );
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn perl_quotes_variables_and_regexes() {
        let t = tokenize(
            r#"unlink q{/a}, "$HOME/b", qw(c d); s/'//g; $#x"#,
            Lang::Perl,
        );
        let kinds: Vec<&Tok> = t.iter().map(|t| &t.tok).collect();
        assert!(kinds.contains(&&Tok::Str(Some("/a".into()))));
        assert!(kinds.contains(&&Tok::Str(None)));
        assert!(kinds.contains(&&Tok::Words(vec!["c".into(), "d".into()])));
        assert!(kinds.contains(&&Tok::Ident("$#x".into())));
    }

    #[test]
    fn calls_with_receivers() {
        let code = "require('fs').rmSync('./b', {recursive: true}); Path('/x').unlink()";
        let tokens = tokenize(code, Lang::JavaScript);
        let found = calls(
            &tokens,
            Lang::JavaScript,
            |n| n == "rmSync" || n == "unlink",
            |_| false,
        );
        assert_eq!(found[0].qualified(), "require().rmSync");
        assert_eq!(found[0].args.len(), 2);
        assert_eq!(
            found[0].text(code),
            "require('fs').rmSync('./b', {recursive: true})"
        );
        assert_eq!(
            found[1].receiver,
            vec![Seg::Call("Path".into(), Some("/x".into()))]
        );
    }

    #[test]
    fn bare_calls_end_at_low_precedence_words() {
        let code = "unlink 'a', 'b' or die";
        let tokens = tokenize(code, Lang::Perl);
        let found = calls(&tokens, Lang::Perl, |n| n == "unlink", |_| true);
        assert_eq!(found[0].args.len(), 2);
        assert_eq!(found[0].text(code), "unlink 'a', 'b'");
    }
}

//! Shell text → a tree of simple commands, through brush-parser. Everything else in
//! shellguard sees only the types of this module, so the parser can be swapped.

mod chunked;
pub mod word;

use brush_parser::ast;

pub use word::{Param, ParamOp, Part, Word};

/// A simple command as written: `VAR=x prog arg... >file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The command's text, for reports.
    pub text: String,
    /// 1-based line of the command in the text.
    pub line: usize,
    pub assignments: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub fd: Option<i32>,
    pub kind: RedirectKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectKind {
    /// `<file`
    Read(Word),
    /// `>file`, `>|file`, `&>file`
    Write(Word),
    /// `>>file`, `&>>file`
    Append(Word),
    /// `<>file`
    ReadWrite(Word),
    /// `<<EOF` with its body; `expand` when the delimiter was unquoted.
    HereDoc { body: String, expand: bool },
    /// `<<<word`
    HereString(Word),
    /// `>&2`, `<&0`, process substitutions...
    Other,
}

/// The structure that matters for analysis: what runs, in which order, in which
/// directory scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Command(SimpleCommand),
    /// Commands joined by `|`: each stage's stdin is the previous stage's stdout.
    Pipeline(Vec<Node>),
    /// Run one after another (lists, `&&`, `||`, bodies of if/case/while).
    Sequence(Vec<Node>),
    /// A subshell `( ... )`: `cd` inside does not leak out.
    Subshell(Box<Node>),
    /// `for NAME in WORDS; do BODY; done`
    For {
        name: String,
        values: Option<Vec<Word>>,
        body: Box<Node>,
    },
    /// A compound command with redirections applied to all of it.
    Redirected(Box<Node>, Vec<Redirect>),
    /// A function definition: its body may run later under its name.
    Function {
        name: String,
        body: Box<Node>,
    },
}

/// Text that is not valid bash, with the position of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub(crate) fn parser_options() -> brush_parser::ParserOptions {
    brush_parser::ParserOptions {
        enable_extended_globbing: true,
        posix_mode: false,
        sh_mode: false,
        tilde_expansion_at_word_start: true,
        tilde_expansion_after_colon: false,
        ..Default::default()
    }
}

/// Texts shorter than this are parsed in one piece; longer ones in chunks of at least
/// this size, on every core.
const CHUNK_MIN: usize = 32 * 1024;

/// Parses a whole text (a command line or a script).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut nodes = Vec::new();
    parse_each(text, |node| nodes.push(node.clone()))?;
    Ok(Node::Sequence(nodes))
}

/// Parses `text` and hands its top-level commands to `each`, in order, as they are ready.
///
/// The parser is half the time of a long review, so a long script is cut at line ends
/// into chunks that every core parses while `each` works through those already done.
/// A cut is trusted only when the text before it parsed on its own (so no quote, block,
/// heredoc or `&&` is open there) and the line before it does not continue with `\`;
/// a chunk that fails is parsed again joined with the next ones. On `Err`, the commands
/// already handed over must be discarded: the error is that of parsing the text whole.
pub fn parse_each(text: &str, mut each: impl FnMut(&Node)) -> Result<(), SyntaxError> {
    let cores = || std::thread::available_parallelism().map_or(1, |n| n.get());
    let pieces = if text.len() >= 2 * CHUNK_MIN {
        chunks(text, (text.len() / CHUNK_MIN).min(4 * cores()))
    } else {
        Vec::new()
    };
    if pieces.len() < 3 {
        // brush's tree and ours are only read; freeing their many small allocations cost
        // more than building them, in a one-shot process.
        let nodes = std::mem::ManuallyDrop::new(parse_piece(text, 0)?);
        nodes.iter().for_each(each);
        return Ok(());
    }
    match chunked::parse_each(text, &pieces, cores().min(pieces.len() - 1), &mut each) {
        Some(()) => Ok(()),
        // Even the rest from a trusted cut failed, so the text is not valid; the
        // position comes from the text as a whole.
        None => {
            Err(parse_piece(text, 0)
                .expect_err("text before a trusted cut leaves no construct open"))
        }
    }
}

/// Parses `text`, whose first line is line `first_line + 1` of the whole script.
fn parse_piece(text: &str, first_line: usize) -> Result<Vec<Node>, SyntaxError> {
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(text), &parser_options());
    let program = parser.parse_program().map_err(|e| syntax_error(text, e))?;
    // Dropped here, while the next chunk is parsed into the memory it frees.
    let converter = Converter {
        source: text,
        ascii: text.is_ascii(),
        offsets: Default::default(),
        first_line,
    };
    Ok(program
        .complete_commands
        .iter()
        .map(|list| converter.compound_list(list))
        .collect())
}

/// Where the chunks start: byte offset and the number of lines before it, then a
/// last entry for the end of the text.
fn chunks(text: &str, count: usize) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    for i in 1..count {
        match cut_near(text, i * text.len() / count) {
            Some(cut) if cut > *cuts.last().expect("starts with 0") => cuts.push(cut),
            _ => {}
        }
    }
    cuts.push(text.len());
    let mut lines = 0;
    let mut out = vec![(0, 0)];
    for w in cuts.windows(2) {
        lines += text.as_bytes()[w[0]..w[1]]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        out.push((w[1], lines));
    }
    out
}

/// The start of the first line at or after `at` whose previous line does not end in a
/// backslash (a continuation would join the two lines).
fn cut_near(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = at;
    loop {
        let nl = pos + bytes[pos..].iter().position(|&b| b == b'\n')?;
        if nl == 0 || bytes[nl - 1] != b'\\' {
            return Some(nl + 1).filter(|&c| c < text.len());
        }
        pos = nl + 1;
    }
}

fn syntax_error(text: &str, error: brush_parser::ParseError) -> SyntaxError {
    use brush_parser::ParseError as P;
    let end = || {
        let line = text.lines().count().max(1);
        let column = text.lines().last().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    };
    let (line, column, message) = match &error {
        P::ParsingNear(pos) => (pos.line, pos.column, "syntax error".to_string()),
        P::ParsingAtEndOfInput => {
            let (l, c) = end();
            (
                l,
                c,
                "syntax error: unexpected end of input (an unclosed quote, bracket or block?)"
                    .to_string(),
            )
        }
        P::Tokenizing { inner, position } => {
            let (l, c) = position.as_ref().map_or_else(end, |p| (p.line, p.column));
            (l, c, inner.to_string())
        }
    };
    SyntaxError {
        line,
        column,
        message,
    }
}

/// Turns brush's tree into ours; keeps the source to quote each command as written.
struct Converter<'a> {
    source: &'a str,
    /// Character and byte positions agree (checked once, not per command).
    ascii: bool,
    /// Byte offset of each character, built on first need for non-ASCII text.
    offsets: std::cell::OnceCell<Vec<usize>>,
    /// Lines of the script before `source` (a chunk of a long script).
    first_line: usize,
}

impl Converter<'_> {
    fn compound_list(&self, list: &ast::CompoundList) -> Node {
        Node::Sequence(list.0.iter().map(|item| self.and_or(&item.0)).collect())
    }

    fn and_or(&self, list: &ast::AndOrList) -> Node {
        let mut nodes = vec![self.pipeline(&list.first)];
        for next in &list.additional {
            let (ast::AndOr::And(p) | ast::AndOr::Or(p)) = next;
            nodes.push(self.pipeline(p));
        }
        Node::Sequence(nodes)
    }

    fn pipeline(&self, p: &ast::Pipeline) -> Node {
        if p.seq.len() == 1 {
            self.command(&p.seq[0])
        } else {
            Node::Pipeline(p.seq.iter().map(|x| self.command(x)).collect())
        }
    }

    fn command(&self, c: &ast::Command) -> Node {
        match c {
            ast::Command::Simple(simple) => Node::Command(self.simple_command(simple)),
            ast::Command::Compound(compound, redirects) => {
                let node = self.compound_command(compound);
                match redirects {
                    Some(list) => {
                        Node::Redirected(Box::new(node), list.0.iter().map(redirect).collect())
                    }
                    None => node,
                }
            }
            ast::Command::Function(f) => Node::Function {
                name: f.fname.value.clone(),
                body: Box::new(self.compound_command(&f.body.0)),
            },
            ast::Command::ExtendedTest(..) => Node::Sequence(Vec::new()),
        }
    }

    fn compound_command(&self, c: &ast::CompoundCommand) -> Node {
        use ast::CompoundCommand as C;
        match c {
            C::BraceGroup(g) => self.compound_list(&g.list),
            C::Subshell(s) => Node::Subshell(Box::new(self.compound_list(&s.list))),
            C::ForClause(f) => Node::For {
                name: f.variable_name.clone(),
                values: f
                    .values
                    .as_ref()
                    .map(|ws| ws.iter().map(|w| Word::parse(&w.value)).collect()),
                body: Box::new(self.compound_list(&f.body.list)),
            },
            C::ArithmeticForClause(f) => self.compound_list(&f.body.list),
            C::CaseClause(case) => Node::Sequence(
                case.cases
                    .iter()
                    .filter_map(|item| item.cmd.as_ref().map(|x| self.compound_list(x)))
                    .collect(),
            ),
            C::IfClause(i) => {
                let mut nodes = vec![
                    self.compound_list(&i.condition),
                    self.compound_list(&i.then),
                ];
                for e in i.elses.iter().flatten() {
                    if let Some(cond) = &e.condition {
                        nodes.push(self.compound_list(cond));
                    }
                    nodes.push(self.compound_list(&e.body));
                }
                Node::Sequence(nodes)
            }
            C::WhileClause(w) | C::UntilClause(w) => Node::Sequence(vec![
                self.compound_list(&w.0),
                self.compound_list(&w.1.list),
            ]),
            C::Coprocess(c) => self.command(&c.body),
            C::Arithmetic(_) => Node::Sequence(Vec::new()),
        }
    }

    fn simple_command(&self, c: &ast::SimpleCommand) -> SimpleCommand {
        let mut out = SimpleCommand {
            text: String::new(),
            line: 0,
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
        };
        let mut first_line = None;
        let mut note_line = |w: &ast::Word| {
            if first_line.is_none() {
                first_line = w.loc.as_ref().map(|l| l.start.line);
            }
        };
        for item in c.prefix.iter().flat_map(|p| p.0.iter()) {
            match item {
                ast::CommandPrefixOrSuffixItem::AssignmentWord(assignment, word) => {
                    note_line(word);
                    let value = match &assignment.value {
                        ast::AssignmentValue::Scalar(w) => Word::parse(&w.value),
                        ast::AssignmentValue::Array(_) => Word::parse("$(array)"),
                    };
                    let name = match &assignment.name {
                        ast::AssignmentName::VariableName(n) => n.clone(),
                        ast::AssignmentName::ArrayElementName(n, _) => n.clone(),
                    };
                    out.assignments.push((name, value));
                }
                ast::CommandPrefixOrSuffixItem::Word(w) => {
                    note_line(w);
                    out.words.push(Word::parse(&w.value));
                }
                other => out.redirects.extend(prefix_redirect(other)),
            }
        }
        if let Some(name) = &c.word_or_name {
            note_line(name);
            out.words.push(Word::parse(&name.value));
        }
        for item in c.suffix.iter().flat_map(|s| s.0.iter()) {
            match item {
                // `dd of=/dev/sda`: after the command name, name=value is an argument.
                ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w)
                | ast::CommandPrefixOrSuffixItem::Word(w) => {
                    out.words.push(Word::parse(&w.value));
                }
                other => out.redirects.extend(prefix_redirect(other)),
            }
        }
        out.line = first_line.unwrap_or(1) + self.first_line;
        out.text = self.text_of(c);
        out
    }

    /// The command as written: the source from its first word to its last (heredoc
    /// bodies excluded). brush positions count characters, so non-ASCII text is mapped.
    fn text_of(&self, c: &ast::SimpleCommand) -> String {
        let mut words = c
            .prefix
            .iter()
            .flat_map(|p| p.0.iter())
            .chain(c.suffix.iter().flat_map(|s| s.0.iter()));
        let mut span: Option<(usize, usize)> = None;
        let mut widen = |w: &ast::Word| {
            if let Some(loc) = &w.loc {
                let (s, e) = (loc.start.index, loc.end.index);
                span = Some(span.map_or((s, e), |(a, b)| (a.min(s), b.max(e))));
            }
        };
        if let Some(name) = &c.word_or_name {
            widen(name);
        }
        for item in words.by_ref() {
            match item {
                ast::CommandPrefixOrSuffixItem::Word(w)
                | ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w) => widen(w),
                ast::CommandPrefixOrSuffixItem::IoRedirect(ast::IoRedirect::File(
                    _,
                    _,
                    ast::IoFileRedirectTarget::Filename(w),
                )) => widen(w),
                _ => {}
            }
        }
        let slice = span.and_then(|(start, end)| {
            if self.ascii {
                self.source.get(start..end)
            } else {
                let offsets = self
                    .offsets
                    .get_or_init(|| self.source.char_indices().map(|(b, _)| b).collect());
                let byte = |i: usize| offsets.get(i).copied().unwrap_or(self.source.len());
                self.source.get(byte(start)..byte(end))
            }
        });
        slice.map_or_else(|| c.to_string(), str::to_string)
    }
}

fn prefix_redirect(item: &ast::CommandPrefixOrSuffixItem) -> Option<Redirect> {
    match item {
        ast::CommandPrefixOrSuffixItem::IoRedirect(r) => Some(redirect(r)),
        _ => None,
    }
}

fn redirect(r: &ast::IoRedirect) -> Redirect {
    use ast::IoFileRedirectKind as K;
    match r {
        ast::IoRedirect::File(fd, kind, target) => {
            let fd = fd.as_ref().map(|f| *f);
            let word = match target {
                ast::IoFileRedirectTarget::Filename(w) => Some(Word::parse(&w.value)),
                _ => None,
            };
            let kind = match (kind, word) {
                (K::Read, Some(w)) => RedirectKind::Read(w),
                (K::Write | K::Clobber, Some(w)) => RedirectKind::Write(w),
                (K::Append, Some(w)) => RedirectKind::Append(w),
                (K::ReadAndWrite, Some(w)) => RedirectKind::ReadWrite(w),
                _ => RedirectKind::Other,
            };
            Redirect { fd, kind }
        }
        ast::IoRedirect::HereDocument(fd, doc) => Redirect {
            fd: fd.as_ref().map(|f| *f),
            kind: RedirectKind::HereDoc {
                body: doc.doc.value.clone(),
                expand: doc.requires_expansion,
            },
        },
        ast::IoRedirect::HereString(fd, w) => Redirect {
            fd: fd.as_ref().map(|f| *f),
            kind: RedirectKind::HereString(Word::parse(&w.value)),
        },
        ast::IoRedirect::OutputAndError(w, append) => {
            let word = Word::parse(&w.value);
            Redirect {
                fd: None,
                kind: if *append {
                    RedirectKind::Append(word)
                } else {
                    RedirectKind::Write(word)
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(node: &Node, out: &mut Vec<SimpleCommand>) {
        match node {
            Node::Command(c) => out.push(c.clone()),
            Node::Pipeline(v) | Node::Sequence(v) => v.iter().for_each(|n| commands(n, out)),
            Node::Subshell(n)
            | Node::Redirected(n, _)
            | Node::Function { body: n, .. }
            | Node::For { body: n, .. } => commands(n, out),
        }
    }

    fn simple(text: &str) -> Vec<SimpleCommand> {
        let mut out = Vec::new();
        commands(&parse(text).unwrap(), &mut out);
        out
    }

    #[test]
    fn name_equals_value_after_the_command_stays_an_argument() {
        let c = &simple("dd if=/dev/zero of=/dev/sda bs=1M")[0];
        assert_eq!(c.words.len(), 4);
        assert_eq!(c.words[2].literal().unwrap(), "of=/dev/sda");
        assert!(c.assignments.is_empty());
    }

    #[test]
    fn prefix_assignments_and_redirects() {
        let c = &simple("FOO=1 cmd a >out 2>&1")[0];
        assert_eq!(c.assignments[0].0, "FOO");
        assert_eq!(c.words.len(), 2);
        assert!(matches!(c.redirects[0].kind, RedirectKind::Write(_)));
    }

    #[test]
    fn heredoc_body_is_kept() {
        let c = &simple("bash <<EOF\nrm -rf /tmp/x\nEOF\n")[0];
        assert!(
            matches!(&c.redirects[0].kind, RedirectKind::HereDoc { body, .. } if body.contains("rm -rf"))
        );
    }

    #[test]
    fn quoting_is_typed() {
        let c = &simple(r#"rm -rf "$DIR/"* ~/x 'a b' $(date)"#)[0];
        let parts = &c.words[2].alternatives[0];
        assert!(
            matches!(&parts[0], Part::DoubleQuoted(inner) if matches!(&inner[0], Part::Param(p) if p.name == "DIR"))
        );
        assert_eq!(parts[1], Part::Literal("*".into()));
        assert_eq!(c.words[3].alternatives[0][0], Part::Tilde(None));
        assert_eq!(c.words[4].literal().unwrap(), "a b");
        assert!(matches!(
            c.words[5].alternatives[0][0],
            Part::CommandSubst(_)
        ));
    }

    #[test]
    fn braces_expand() {
        let c = &simple("rm -rf /{usr,lib}")[0];
        assert_eq!(c.words[2].alternatives.len(), 2);
    }

    #[test]
    fn unclosed_quote_is_an_error_with_a_position() {
        let e = parse("echo 'unclosed\nrm x").unwrap_err();
        assert!(e.line >= 1, "{e:?}");
    }

    /// Shell constructs that span lines: a cut inside any of them must not be trusted.
    const SPANNING: &str = "cat <<EOF > notes.txt\nrm -rf /\nEOF\n\
        echo 'one\nrm -rf /two'\n\
        if [ -d x ]; then\n  rm -rf ./x\nfi\n\
        rm -rf \\\n  /srv/data\n\
        make build &&\n  rm -rf ./out\n\
        for f in a b; do\n  rm \"$f\"\ndone\n\
        x=$(ls\n)\n";

    /// The commands `parse_each` hands over when `helpers` threads parse `count` chunks.
    fn chunked(text: &str, count: usize, helpers: usize) -> Vec<Node> {
        let mut out = Vec::new();
        let bounds = chunks(text, count);
        chunked::parse_each(text, &bounds, helpers, &mut |n| out.push(n.clone()))
            .expect("valid text");
        out
    }

    #[test]
    fn a_long_script_parses_in_chunks_exactly_as_in_one_piece() {
        // Cuts move through the lines of the pattern as the padding and the number of
        // chunks change; some fall inside a construct and must be joined.
        for pad in (0..60).step_by(7) {
            let mut text = "#".repeat(pad) + "\n";
            while text.len() < 2 * CHUNK_MIN {
                text.push_str(SPANNING);
                text.push_str("rm -rf ./build\n");
            }
            let serial = parse_piece(&text, 0).expect("valid script");
            for count in 2..7 {
                assert_eq!(
                    chunked(&text, count, 1),
                    serial,
                    "pad {pad}, {count} chunks"
                );
            }
        }
    }

    #[test]
    fn chunks_are_used_for_plain_long_scripts_and_keep_line_numbers() {
        let text: String = (0..20_000).map(|i| format!("rm -rf ./b{i}\n")).collect();
        let nodes = chunked(&text, 8, 3);
        assert_eq!(nodes, parse_piece(&text, 0).unwrap());
        let mut out = Vec::new();
        nodes.iter().for_each(|n| commands(n, &mut out));
        assert_eq!(out.len(), 20_000);
        assert!(out.iter().enumerate().all(|(i, c)| c.line == i + 1));
    }

    #[test]
    fn an_error_in_a_long_script_has_its_serial_position() {
        let mut text: String = (0..10_000).map(|i| format!("rm -rf ./b{i}\n")).collect();
        text.push_str("echo 'open\n");
        text.extend((0..10_000).map(|i| format!("rm -rf ./c{i}\n")));
        assert_eq!(
            parse(&text).unwrap_err(),
            parse_piece(&text, 0).unwrap_err()
        );
    }
}

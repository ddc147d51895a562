//! A long script parsed in chunks by several threads while the caller consumes the
//! chunks in order: each thread (the caller included, when it would otherwise wait)
//! takes the next chunk nobody has started.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use super::{Node, parse_piece};

/// A chunk's state: not parsed yet, parsed, or failed (a cut fell inside a construct,
/// or the text is not valid).
type Slot = Option<Option<Vec<Node>>>;

struct Work<'a> {
    text: &'a str,
    /// `(byte offset, lines before)` of each chunk start, then of the end.
    bounds: &'a [(usize, usize)],
    next: AtomicUsize,
    done: Mutex<Vec<Slot>>,
    ready: Condvar,
}

impl Work<'_> {
    fn chunks(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Parses the next chunk nobody took; false when none is left.
    fn parse_next(&self) -> bool {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if i >= self.chunks() {
            return false;
        }
        let ((start, lines), (end, _)) = (self.bounds[i], self.bounds[i + 1]);
        let parsed = parse_piece(&self.text[start..end], lines).ok();
        self.done.lock().expect("no panics while held")[i] = Some(parsed);
        self.ready.notify_all();
        true
    }

    /// Chunk `i`, parsing others meanwhile rather than waiting idle.
    fn take(&self, i: usize) -> Option<Vec<Node>> {
        loop {
            if let Some(parsed) = self.done.lock().expect("no panics while held")[i].take() {
                return parsed;
            }
            if !self.parse_next() {
                let mut done = self.done.lock().expect("no panics while held");
                while done[i].is_none() {
                    done = self.ready.wait(done).expect("no panics while held");
                }
                return done[i].take().expect("checked");
            }
        }
    }
}

pub(super) fn parse_each(
    text: &str,
    bounds: &[(usize, usize)],
    helpers: usize,
    each: &mut impl FnMut(&Node),
) -> Option<()> {
    let work = Work {
        text,
        bounds,
        next: AtomicUsize::new(0),
        done: Mutex::new(vec![None; bounds.len() - 1]),
        ready: Condvar::new(),
    };
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|| while work.parse_next() {});
        }
        let mut i = 0;
        while i < work.chunks() {
            // Chunk i starts at a trusted cut: the chunks before it all parsed.
            let (nodes, next) = match work.take(i) {
                Some(nodes) => (nodes, i + 1),
                None => joined(&work, i)?,
            };
            std::mem::ManuallyDrop::new(nodes)
                .iter()
                .for_each(&mut *each);
            i = next;
        }
        // Helpers may still be parsing chunks that a join made redundant; the scope
        // waits for them, and they stop at the end of the list.
        Some(())
    })
}

/// Chunk `i` failed: its start is trusted, so it is parsed again joined with the
/// following chunks, one more each time; None when even the whole rest fails.
fn joined(work: &Work, i: usize) -> Option<(Vec<Node>, usize)> {
    let (start, lines) = work.bounds[i];
    (i + 2..=work.chunks()).find_map(|end| {
        let text = &work.text[start..work.bounds[end].0];
        parse_piece(text, lines).ok().map(|nodes| (nodes, end))
    })
}

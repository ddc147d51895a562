//! stub
use super::{Analysis, Invocation};
pub fn analyze(_inv: &Invocation) -> Analysis {
    Analysis::default()
}

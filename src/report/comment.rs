//! The PR comment (and `report.md` when a baseline is given): `templates/pr_comment.md.j2`
//! over [`CommentView`], kept within GitHub's comment limit.
//!
//! Pure. Trimming drops detail first (per-case diffs, then case list entries, each with an
//! "N more" note) so the verdict and the tables always stay.

use minijinja::context;
use minijinja::value::Serde;

use crate::model::RunReport;

use super::ReportError;
use super::comment_view::CommentView;
pub use super::comment_view::{CommentInput, Links, marker};

/// The built-in PR comment template.
pub const COMMENT_TEMPLATE: &str = include_str!("../../templates/pr_comment.md.j2");
/// GitHub rejects comment bodies longer than this many characters.
pub const MAX_COMMENT_CHARS: usize = 65_536;

const NAME: &str = "pr_comment.md.j2";

/// Renders the comment with `template` (the built-in one when `None`), trimmed to
/// [`MAX_COMMENT_CHARS`].
pub fn render_comment(
    report: &RunReport,
    input: &CommentInput<'_>,
    template: Option<&str>,
) -> Result<String, ReportError> {
    let source = template.unwrap_or(COMMENT_TEMPLATE);
    let mut env = super::markdown::environment();
    env.add_template(NAME, source)
        .map_err(|e| super::markdown::template_error(&e, source))?;
    let tmpl = env
        .get_template(NAME)
        .map_err(|e| super::markdown::template_error(&e, source))?;
    let report_value = super::markdown::report_value(&tmpl, report);
    let render = |view: &CommentView| {
        tmpl.render(context! { view => Serde(view), report => report_value.clone() })
            .map_err(|e| super::markdown::template_error(&e, source))
    };
    let fits = |s: &str| s.chars().count() <= MAX_COMMENT_CHARS;

    let full = CommentView::new(report, input);
    let body = render(&full)?;
    if fits(&body) {
        return Ok(body);
    }
    // The most diffs that fit (rendering is monotone in the number kept).
    let diffs = full.diff_count();
    let with_diffs = |n: usize| -> Result<(String, bool), ReportError> {
        let mut v = CommentView::new(report, input);
        v.keep_diffs(n);
        let s = render(&v)?;
        let ok = fits(&s);
        Ok((s, ok))
    };
    if let Some(body) = largest_fitting(diffs, with_diffs)? {
        return Ok(body);
    }
    let items = full.longest_list();
    let with_items = |n: usize| -> Result<(String, bool), ReportError> {
        let mut v = CommentView::new(report, input);
        v.keep_diffs(0);
        v.keep_list_items(n);
        let s = render(&v)?;
        let ok = fits(&s);
        Ok((s, ok))
    };
    if let Some(body) = largest_fitting(items, with_items)? {
        return Ok(body);
    }
    // A template that is too long by itself: cut it, saying so.
    let (s, _) = with_items(0)?;
    let note = "\n\n… (cut to fit GitHub's comment limit)\n";
    let keep = MAX_COMMENT_CHARS - note.chars().count();
    Ok(s.chars().take(keep).collect::<String>() + note)
}

/// Binary search for the largest `n` in `0..max` (the full `max` is known not to fit) whose
/// rendering fits; `None` when even 0 does not.
fn largest_fitting(
    max: usize,
    render: impl Fn(usize) -> Result<(String, bool), ReportError>,
) -> Result<Option<String>, ReportError> {
    let (s0, ok0) = render(0)?;
    if !ok0 {
        return Ok(None);
    }
    let (mut lo, mut best, mut hi) = (0, s0, max);
    // Invariant: `lo` fits, `hi` does not.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let (s, ok) = render(mid)?;
        if ok {
            lo = mid;
            best = s;
        } else {
            hi = mid;
        }
    }
    Ok(Some(best))
}

#[cfg(test)]
#[path = "comment_tests.rs"]
mod tests;

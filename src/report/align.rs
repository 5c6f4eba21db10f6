//! The trajectory alignment as a small plain-text table (expected vs actual, call by call),
//! shared by the JUnit body, the Markdown details block and the console.
//!
//! Plain text only: callers fence or escape it. Agent-produced names and arguments are
//! stripped of control characters here so no caller can forget.

use crate::model::{AlignKind, AlignRow, Trajectory, TrajectoryScore};

use super::escape::term_line;

/// Longest argument JSON shown for an extra or wrong-arguments call.
const MAX_ARGS: usize = 120;

/// Renders the alignment, one line per row, preceded by the scorer's explanation:
///
/// ```text
///   #  expected        #  actual          detail
/// ✓ 1  lookup_account  1  lookup_account
/// ~ 2  fetch_invoice   2  fetch_invoice   args 0.50; differs: invoice_id; …
/// - 3  escalate        —                  missing
/// + —                  3  issue_refund    extra; forbidden
/// ```
pub fn render_alignment(score: &TrajectoryScore, trajectory: Option<&Trajectory>) -> String {
    let rows: Vec<[String; 5]> = score
        .alignment
        .iter()
        .map(|r| row_cells(r, trajectory))
        .collect();
    let header = ["#", "expected", "#", "actual", "detail"].map(String::from);
    let width = |i: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (en_w, exp_w, an_w, act_w) = (width(0), width(1), width(2), width(3));

    let mut out = String::new();
    let explanation = term_line(&score.explanation);
    if !explanation.is_empty() {
        out.push_str(&explanation);
        out.push('\n');
    }
    let mut line = |mark: &str, c: &[String; 5]| {
        let text = format!(
            "{mark} {:>en_w$}  {:<exp_w$}  {:>an_w$}  {:<act_w$}  {}",
            c[0], c[1], c[2], c[3], c[4]
        );
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(" ", &header);
    for (row, cells) in score.alignment.iter().zip(&rows) {
        line(mark(row.kind), cells);
    }
    out.trim_end().to_string()
}

fn mark(kind: AlignKind) -> &'static str {
    match kind {
        AlignKind::Matched => "✓",
        AlignKind::WrongArgs => "~",
        AlignKind::Missing => "-",
        AlignKind::Extra => "+",
    }
}

/// `[expected #, expected name, actual #, actual name, detail]`; numbers are 1-based.
fn row_cells(row: &AlignRow, trajectory: Option<&Trajectory>) -> [String; 5] {
    let name = term_line(&row.name);
    let dash = || "—".to_string();
    let (en, exp) = match row.expected {
        Some(i) => ((i + 1).to_string(), name.clone()),
        None => (String::new(), dash()),
    };
    let (an, act) = match row.actual {
        Some(i) => ((i + 1).to_string(), name),
        None => (String::new(), dash()),
    };
    let mut detail = Vec::new();
    match row.kind {
        AlignKind::Matched => {}
        AlignKind::WrongArgs => {
            if let Some(s) = row.arg_score {
                detail.push(format!("args {s:.2}"));
            }
        }
        AlignKind::Missing => detail.push("missing".to_string()),
        AlignKind::Extra => detail.push("extra".to_string()),
    }
    if !row.differing_keys.is_empty() {
        detail.push(format!(
            "differs: {}",
            term_line(&row.differing_keys.join(", "))
        ));
    }
    if !row.note.is_empty() {
        detail.push(term_line(&row.note));
    }
    if matches!(row.kind, AlignKind::WrongArgs | AlignKind::Extra) {
        let call = row
            .actual
            .and_then(|i| trajectory.and_then(|t| t.calls.get(i)));
        if let Some(call) = call {
            detail.push(format!(
                "called with {}",
                truncate(&term_line(&call.arguments.to_string()), MAX_ARGS)
            ));
        }
    }
    [en, exp, an, act, detail.join("; ")]
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

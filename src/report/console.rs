//! The terminal: live progress while cases run, and the final summary.
//!
//! The caller (`cli`) picks the mode from whether stderr is a terminal and from flags; this
//! file reads no environment. Progress goes to stderr; [`render_summary`] is pure and returns
//! plain text (no colors), so it is the same in a terminal and in a CI log.

use std::io::Write;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::model::{CaseResult, Outcome, RunReport};

use super::escape::term_line;
use super::view::{ReportView, first_failure};

/// Longest reason shown on one console line.
const MAX_REASON: usize = 160;

/// How progress is shown while the run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// An animated bar (interactive terminals).
    Bar,
    /// Plain lines: one per failed or errored run, and one every 10% (CI logs).
    Lines,
    /// Nothing.
    Quiet,
}

/// Live progress. Safe to share between tasks: `on_case` takes `&self`.
pub struct Console {
    mode: ProgressMode,
    total: usize,
    bar: Option<ProgressBar>,
    state: Mutex<LineState>,
}

struct LineState {
    out: Box<dyn Write + Send>,
    failed: usize,
    errored: usize,
    /// Last tenth of the run a progress line was printed for.
    last_decile: usize,
}

impl Console {
    /// Progress for `total_runs` runs (cases × trials), written to stderr.
    pub fn new(mode: ProgressMode, total_runs: usize) -> Console {
        Console::with_writer(mode, total_runs, Box::new(std::io::stderr()))
    }

    /// Progress written to `out` in `Lines` mode (tests); the bar always draws to stderr.
    pub fn with_writer(
        mode: ProgressMode,
        total_runs: usize,
        out: Box<dyn Write + Send>,
    ) -> Console {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total_runs as u64),
                ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed}] {bar:30} {pos}/{len} runs {msg}",
                )
                .expect("the progress template is valid")
                .progress_chars("=> "),
            );
            bar
        });
        Console {
            mode,
            total: total_runs,
            bar,
            state: Mutex::new(LineState {
                out,
                failed: 0,
                errored: 0,
                last_decile: 0,
            }),
        }
    }

    /// Reports one finished run; `done` runs of `total` are finished.
    pub fn on_case(&self, result: &CaseResult, done: usize, total: usize) {
        let total = if total == 0 { self.total } else { total };
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match result.outcome {
            Outcome::Failed => st.failed += 1,
            Outcome::Error => st.errored += 1,
            Outcome::Passed | Outcome::Pending => {}
        }
        let line = case_line(result);
        match self.mode {
            ProgressMode::Quiet => {}
            ProgressMode::Bar => {
                if let Some(bar) = &self.bar {
                    if let Some(line) = line {
                        bar.println(line);
                    }
                    bar.set_position(done as u64);
                    bar.set_message(tally(st.failed, st.errored));
                }
            }
            ProgressMode::Lines => {
                // Write errors on a progress stream are not worth failing a run for.
                if let Some(line) = line {
                    let _ = writeln!(st.out, "{line}");
                }
                let decile = (done * 10).checked_div(total).unwrap_or(0).min(10);
                if decile > st.last_decile {
                    st.last_decile = decile;
                    let pct = done * 100 / total.max(1);
                    let msg = format!(
                        "[{pct:>3}%] {done}/{total} runs {}",
                        tally(st.failed, st.errored)
                    );
                    let _ = writeln!(st.out, "{}", msg.trim_end());
                }
                let _ = st.out.flush();
            }
        }
    }

    /// Clears the bar (call before printing the summary).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn tally(failed: usize, errored: usize) -> String {
    match (failed, errored) {
        (0, 0) => String::new(),
        (f, 0) => format!("· {f} failed"),
        (0, e) => format!("· {e} errored"),
        (f, e) => format!("· {f} failed · {e} errored"),
    }
}

/// `FAIL  suite/case  file:line  reason` for failed and errored runs; `None` for passes.
fn case_line(r: &CaseResult) -> Option<String> {
    let (tag, reason) = match r.outcome {
        Outcome::Passed => return None,
        // Pending cases are advisory: shown only when a reviewer has something to look at.
        Outcome::Pending => (
            "PEND ",
            format!("review: pending; would fail: {}", first_failure(r)?),
        ),
        Outcome::Failed => ("FAIL ", first_failure(r).unwrap_or_default()),
        Outcome::Error => (
            "ERROR",
            r.error
                .as_ref()
                .map(|e| format!("{}: {}", e.kind.as_str(), e.message))
                .unwrap_or_default(),
        ),
    };
    let trial = if r.trial > 0 {
        format!(" [trial {}]", r.trial + 1)
    } else {
        String::new()
    };
    Some(format!(
        "{tag} {}/{}{trial}  {}:{}  {}",
        term_line(&r.suite),
        term_line(&r.case_id),
        term_line(&r.file.display().to_string()),
        r.line,
        short(&term_line(&reason)),
    ))
}

fn short(s: &str) -> String {
    if s.chars().count() <= MAX_REASON {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX_REASON).collect::<String>())
    }
}

/// The end-of-run summary: metrics and slices against floors, failing runs with their first
/// reason, counts, reasons and the verdict.
pub fn render_summary(report: &RunReport) -> String {
    let view = ReportView::new(report);
    let mut rows: Vec<[String; 6]> =
        vec![["metric", "value", "n", "floor", "gate", "status"].map(String::from)];
    let status = |s: &str| match s {
        "fail" => "FAIL".to_string(),
        "no_data" => "no data".to_string(),
        other => other.to_string(),
    };
    for m in view.metrics.iter().chain(&view.composite) {
        rows.push([
            m.name.clone(),
            m.value.clone(),
            m.n.clone(),
            m.floor.clone(),
            m.gate.to_string(),
            status(m.status),
        ]);
    }
    for s in &view.slices {
        rows.push([
            term_line(&format!("{} {}", s.name, s.metric)),
            s.value.clone(),
            s.n.clone(),
            s.floor.clone(),
            s.gate.to_string(),
            status(s.status),
        ]);
    }

    let mut out = String::new();
    if rows.len() > 1 {
        let widths: Vec<usize> = (0..6)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let line = format!(
                "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {:<w4$}  {}",
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
                w4 = widths[4],
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }

    let problems: Vec<_> = view.failing.iter().chain(&view.errored).collect();
    if !problems.is_empty() {
        out.push_str("failed and errored runs:\n");
        let id_w = problems
            .iter()
            .map(|c| term_line(&c.title).chars().count())
            .max()
            .unwrap_or(0);
        for c in problems {
            let mark = if c.outcome == "error" { "!" } else { "✗" };
            let reason = match c.error_kind {
                Some(kind) => format!("{kind}: {}", c.first_reason),
                None => c.first_reason.clone(),
            };
            let line = format!(
                "  {mark} {:<id_w$}  {}  {}",
                term_line(&c.title),
                term_line(&c.location),
                short(&term_line(&reason)),
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }

    if !view.pending.is_empty() {
        out.push_str("pending review (advisory; these checks would fail once approved):\n");
        for c in &view.pending {
            let line = format!(
                "  ? {}  {}  {}",
                term_line(&c.title),
                term_line(&c.location),
                short(&term_line(&c.first_reason)),
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }

    let c = &view.counts;
    out.push_str(&format!(
        "{} cases, {} runs: {} passed, {} failed, {} errored{}\n",
        c.cases,
        c.runs,
        c.passed,
        c.failed,
        c.errored,
        super::format::pending_suffix(c.pending)
    ));
    if !c.error_budget.is_empty() {
        out.push_str(&format!("errors: {}\n", c.error_budget));
    }
    for j in &view.judges {
        out.push_str(&format!("{}\n", term_line(j)));
    }
    out.push('\n');
    for reason in &view.reasons {
        out.push_str(&format!("  - {}\n", term_line(reason)));
    }
    let verdict = match view.status {
        "pass" => "PASS",
        "fail" => "FAIL",
        "error" => "ERROR",
        _ => "no verdict",
    };
    out.push_str(&format!("verdict: {verdict}\n"));
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::report::fixture;

    #[test]
    fn summary_snapshot() {
        insta::assert_snapshot!(render_summary(&fixture::report()));
    }

    #[test]
    fn summary_with_pending_cases_snapshot() {
        insta::assert_snapshot!(render_summary(&fixture::report_with_pending()));
    }

    #[test]
    fn the_summary_carries_no_terminal_escapes() {
        let mut report = fixture::report();
        report.cases[4].scores[1].reason = "\u{1b}[2J\u{1b}]0;pwned\u{7}cleared".into();
        let summary = render_summary(&report);
        assert!(
            !summary.contains('\u{1b}') && !summary.contains('\u{7}'),
            "{summary}"
        );
        assert!(summary.contains("cleared"));
    }

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_mode_prints_problems_and_every_tenth() {
        let report = fixture::report();
        let out = Shared::default();
        let total = 20;
        let console = Console::with_writer(ProgressMode::Lines, total, Box::new(out.clone()));
        for done in 1..=total {
            let case = &report.cases[done % report.cases.len()];
            console.on_case(case, done, total);
        }
        console.finish();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let progress = text.lines().filter(|l| l.starts_with('[')).count();
        assert_eq!(progress, 10, "{text}");
        assert!(text.contains("[ 10%] 2/20 runs"), "{text}");
        assert!(
            text.contains("[100%] 20/20 runs · 12 failed · 4 errored"),
            "{text}"
        );
        // 5 cases cycled over 20 runs: 3 of every 5 failed, 1 errored, 1 passed.
        assert_eq!(
            text.lines().filter(|l| l.starts_with("FAIL ")).count(),
            12,
            "{text}"
        );
        assert_eq!(
            text.lines().filter(|l| l.starts_with("ERROR")).count(),
            4,
            "{text}"
        );
        assert!(text.contains(
            "ERROR billing/invoice-timeout  evals/billing/v3.yaml:47  timeout: no answer within 30000 ms (4 attempts)"
        ), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }

    #[test]
    fn bar_mode_tracks_position_without_writing_lines() {
        let out = Shared::default();
        let console = Console::with_writer(ProgressMode::Bar, 5, Box::new(out.clone()));
        for (i, case) in fixture::report().cases.iter().enumerate() {
            console.on_case(case, i + 1, 5);
        }
        let bar = console.bar.as_ref().unwrap();
        assert_eq!((bar.position(), bar.length()), (5, Some(5)));
        assert_eq!(bar.message(), "· 3 failed · 1 errored");
        console.finish();
        assert!(out.0.lock().unwrap().is_empty());
    }

    #[test]
    fn quiet_mode_prints_nothing() {
        let out = Shared::default();
        let console = Console::with_writer(ProgressMode::Quiet, 5, Box::new(out.clone()));
        for (i, case) in fixture::report().cases.iter().enumerate() {
            console.on_case(case, i + 1, 5);
        }
        assert!(out.0.lock().unwrap().is_empty());
    }
}

//! `report.md` (and the PR comment body): a minijinja template over the report's view model.
//!
//! The built-in template is `templates/report.md.j2`, embedded; a user template replaces it and
//! gets the same variables (`view`, `report`) and filters (`md_text`, `md_code`, `code_block`,
//! `dash`). Undefined variables are errors, so a typo in a template fails loudly.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Template, UndefinedBehavior, context};

use crate::model::RunReport;

use super::ReportError;
use super::escape::{code_block, html_text, md_code, md_text};
use super::view::ReportView;

/// The built-in report template.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/report.md.j2");

const TEMPLATE_NAME: &str = "report.md.j2";

/// Renders the Markdown report with `template` (the built-in one when `None`).
pub fn render_markdown(report: &RunReport, template: Option<&str>) -> Result<String, ReportError> {
    let source = template.unwrap_or(DEFAULT_TEMPLATE);
    let mut env = environment();
    env.add_template(TEMPLATE_NAME, source)
        .map_err(|e| template_error(&e, source))?;
    let view = ReportView::new(report);
    env.get_template(TEMPLATE_NAME)
        .and_then(|t| {
            let report = report_value(&t, report);
            t.render(context! { view => Serde(&view), report })
        })
        .map_err(|e| template_error(&e, source))
}

/// The `report` variable (the whole run) for `template`, or undefined when the template never
/// names it: turning every case into template values is most of a render's cost at 2000 cases,
/// and the built-in templates read only `view`.
pub(super) fn report_value(template: &Template<'_, '_>, report: &RunReport) -> Value {
    if template.undeclared_variables(false).contains("report") {
        Value::from(Serde(report))
    } else {
        Value::UNDEFINED
    }
}

/// The filters [`environment`] adds to minijinja's own: what `validate` accepts in a report or
/// comment template (a test keeps the list and the registrations in step).
pub const FILTERS: &[&str] = &["md_text", "md_code", "code_block", "html_text", "dash"];

/// A template environment with evalgate's settings and escaping filters, for every Markdown
/// evalgate writes (report, PR comment).
pub fn environment<'source>() -> Environment<'source> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Markdown has no auto-escaping that fits; templates escape with the filters below.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_filter("md_text", |v: Value| text_of(&v).map(|s| md_text(&s)));
    env.add_filter("md_code", |v: Value| text_of(&v).map(|s| md_code(&s)));
    env.add_filter("code_block", |v: Value, lang: Option<String>| {
        text_of(&v).map(|s| code_block(&s, lang.as_deref().unwrap_or("")))
    });
    env.add_filter("html_text", |v: Value| text_of(&v).map(|s| html_text(&s)));
    env.add_filter("dash", |v: Value| {
        if v.is_none() || v.is_undefined() {
            "—".to_string()
        } else {
            v.to_string()
        }
    });
    env
}

/// The text of a filter argument: strings as they are, `none` as empty, other values printed.
fn text_of(v: &Value) -> Result<String, Error> {
    if v.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "an escaping filter was given an undefined value",
        ));
    }
    Ok(match v.as_str() {
        Some(s) => s.to_string(),
        None if v.is_none() => String::new(),
        None => v.to_string(),
    })
}

/// The error with the template line it points at.
pub(super) fn template_error(e: &Error, source: &str) -> ReportError {
    let mut message = e.to_string();
    if let Some(line) = e
        .line()
        .and_then(|n| source.lines().nth(n.saturating_sub(1)).map(|l| (n, l)))
    {
        message.push_str(&format!("\n  {} | {}", line.0, line.1.trim_end()));
    }
    ReportError::Template { message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn the_filter_list_names_exactly_the_registered_filters() {
        let env = environment();
        for name in FILTERS {
            let out = env.render_str(&format!("{{{{ 'x' | {name} }}}}"), ());
            assert!(
                out.is_ok(),
                "`{name}` is listed but not registered: {out:?}"
            );
        }
        let registered = env
            .render_str("{{ 'x' | no_such_filter }}", ())
            .unwrap_err();
        assert_eq!(registered.kind(), minijinja::ErrorKind::UnknownFilter);
        // Every `add_filter` call in `environment` names a listed filter.
        let source = include_str!("markdown.rs");
        let added = source.matches("env.add_filter(\"").count();
        assert_eq!(
            added,
            FILTERS.len(),
            "a filter is registered but not listed"
        );
    }

    #[test]
    fn report_md_snapshot() {
        insta::assert_snapshot!(render_markdown(&fixture::report(), None).unwrap());
    }

    #[test]
    fn pending_cases_have_their_own_count_and_section() {
        let md = render_markdown(&fixture::report_with_pending(), None).unwrap();
        let counts = md.lines().find(|l| l.contains("pending review")).unwrap();
        let section = &md[md.find("### Pending review").unwrap()..md.find("### Errored").unwrap()];
        insta::assert_snapshot!(format!("{counts}\n\n{section}"));
    }

    #[test]
    fn a_passing_run_and_a_run_without_verdict_render() {
        let mut report = fixture::report();
        report.cases.retain(|c| c.case_id == "balance-lookup");
        report.verdict = Some(crate::policy::evaluate(&report.cases, &fixture::policy()));
        let md = render_markdown(&report, None).unwrap();
        assert!(md.starts_with("## ✅ evalgate: pass\n"), "{md}");
        assert!(
            !md.contains("### Failing") && !md.contains("### Errored"),
            "{md}"
        );
        report.verdict = None;
        let md = render_markdown(&report, None).unwrap();
        assert!(md.starts_with("## ⏳ evalgate: no verdict yet\n"), "{md}");
    }

    #[test]
    fn agent_text_is_neutralized() {
        let md = render_markdown(&fixture::report(), None).unwrap();
        // Outside fences, agent markup and mentions appear only escaped.
        let outside: String = fixture::outside_fences(&md);
        assert!(
            !outside.contains("<img") && !outside.contains("<script"),
            "{outside}"
        );
        assert!(!outside.contains("@org"), "{outside}");
        assert!(outside.contains("@&#8203;org/team &lt;img src=x onerror=alert(1)&gt;"));
        assert!(!md.contains('\u{1b}') && !md.contains('\u{7}'));
        // The injected `</details>` and heading stayed inside a fence.
        assert!(!outside.contains("injected heading"), "{outside}");
    }

    #[test]
    fn user_templates_get_the_filters_and_strict_undefined() {
        let report = fixture::report();
        let md = render_markdown(
            &report,
            Some("{{ view.status }}: {{ '@all <b>' | md_text }}\n{{ 'a```b' | code_block('txt') }}\n"),
        )
        .unwrap();
        assert_eq!(md, "fail: @&#8203;all &lt;b&gt;\n````txt\na```b\n````\n");

        let err =
            render_markdown(&report, Some("line one\n{{ view.no_such_field }}\n")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("undefined"), "{msg}");
        assert!(msg.contains("2 | {{ view.no_such_field }}"), "{msg}");

        // `report` is the whole run, serialized only for templates that name it.
        let md = render_markdown(
            &report,
            Some("{% set r = report %}{{ r.cases | length }} {{ report.meta.evalgate_version }}"),
        )
        .unwrap();
        assert_eq!(md, format!("5 {}", report.meta.evalgate_version));

        let err = render_markdown(&report, Some("{% if %}")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid report template: syntax error"),
            "{err}"
        );
    }
}

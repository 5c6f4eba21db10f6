//! Checks of minijinja templates (request bodies, report and comment templates, rubrics).
//!
//! A template is checked before anything runs: it must compile, name only the variables its
//! kind is given, and use only filters that exist (minijinja finds an unknown filter only when
//! the expression runs, and an undefined variable handed to a filter is `null`, not an error).
//! Must not render a template with real data; the probes here render one-line templates only.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::error::closest;

/// The templates evalgate renders, each given its own variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// The request body (`agent.body`, `agent.body_file`).
    Body,
    /// `report.template`.
    Report,
    /// `--comment-template`.
    Comment,
    /// A judge's rubric.
    Rubric,
}

impl TemplateKind {
    fn name(self) -> &'static str {
        match self {
            TemplateKind::Body => "request body",
            TemplateKind::Report => "report",
            TemplateKind::Comment => "comment",
            TemplateKind::Rubric => "rubric",
        }
    }

    /// The top-level variables a render of this kind receives.
    fn variables(self) -> &'static [&'static str] {
        match self {
            TemplateKind::Body => &["input", "messages", "turn", "session_id", "case"],
            TemplateKind::Report | TemplateKind::Comment => &["view", "report"],
            TemplateKind::Rubric => &["input", "response", "reference", "trajectory", "case"],
        }
    }

    /// Filters evalgate adds to minijinja's own (`report::markdown::environment`).
    fn filters(self) -> &'static [&'static str] {
        match self {
            TemplateKind::Report | TemplateKind::Comment => crate::report::markdown::FILTERS,
            TemplateKind::Body | TemplateKind::Rubric => &[],
        }
    }
}

/// The fields of `case` in the templates that get one (a request body also gets the tools
/// the case offers, `adapter::http`).
const CASE_FIELDS: &[&str] = &["id", "tags", "tier"];
const BODY_CASE_FIELDS: &[&str] = &["id", "tags", "tier", "tools", "fixtures"];

/// Why `source`, a template of `kind`, cannot be rendered; `None` when it can.
pub(crate) fn template_error(source: &str, kind: TemplateKind) -> Option<TemplateError> {
    if let Some(e) = compile_error(source) {
        return Some(e);
    }
    let env = minijinja::Environment::new();
    let tmpl = env.template_from_str(source).ok()?;
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    let mut undeclared: Vec<String> = tmpl.undeclared_variables(true).into_iter().collect();
    undeclared.sort();
    for name in &undeclared {
        let (top, field) = name.split_once('.').unwrap_or((name, ""));
        if !kind.variables().contains(&top) && !globals.contains(top) {
            let suggestion = closest(top, kind.variables().iter().copied())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Some(TemplateError {
                line: line_of(source, top),
                message: format!("undefined variable `{top}` in the {} template", kind.name()),
                help: Some(format!(
                    "{suggestion}a {} template can use {}",
                    kind.name(),
                    super::error::backticked(kind.variables())
                )),
            });
        }
        let case_fields = if kind == TemplateKind::Body {
            BODY_CASE_FIELDS
        } else {
            CASE_FIELDS
        };
        if top == "case" && !field.is_empty() && !case_fields.contains(&field) {
            return Some(TemplateError {
                line: line_of(source, field),
                message: format!(
                    "undefined variable `case.{field}` in the {} template",
                    kind.name()
                ),
                help: Some(format!(
                    "`case` has {}",
                    super::error::backticked(case_fields)
                )),
            });
        }
    }
    if kind == TemplateKind::Body
        && let Some(e) = sample_render_error(source)
    {
        return Some(e);
    }
    for name in filter_names(source) {
        if !kind.filters().contains(&name.as_str()) && !is_builtin_filter(&name) {
            let known: Vec<&str> = kind.filters().to_vec();
            let help = match closest(
                &name,
                known.iter().copied().chain(COMMON_FILTERS.iter().copied()),
            ) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "see minijinja's built-in filters".to_string(),
            };
            return Some(TemplateError {
                line: line_of(source, &name),
                message: format!("unknown filter `{name}` in the {} template", kind.name()),
                help: Some(help),
            });
        }
    }
    None
}

/// The request body rendered on the sample case `adapter::http` renders it on before the first
/// request (strict undefined), so that what fails there fails here first.
fn sample_render_error(source: &str) -> Option<TemplateError> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let sample = minijinja::context! {
        input => "hello",
        messages => vec![minijinja::context! { role => "user", content => "hello" }],
        turn => 1,
        session_id => "sample-0000000000000000",
        case => minijinja::context! {
            id => "sample", tags => Vec::<String>::new(), tier => (), tools => Vec::<String>::new(),
            fixtures => Vec::<String>::new()
        },
    };
    let e = env.render_str(source, sample).err()?;
    Some(TemplateError {
        line: e.line().unwrap_or(1),
        message: format!(
            "the request body template does not render on a sample case: {}",
            e.detail()
                .map_or_else(|| e.kind().to_string(), str::to_string)
        ),
        help: Some(
            "the sample case has one user message `hello`, id `sample`, no tags and no tier"
                .to_string(),
        ),
    })
}

/// Filters worth suggesting for a typo.
const COMMON_FILTERS: &[&str] = &[
    "tojson",
    "join",
    "length",
    "lower",
    "upper",
    "default",
    "trim",
    "replace",
    "first",
    "last",
    "round",
    "safe",
    "escape",
    "title",
    "capitalize",
    "sort",
    "unique",
    "map",
    "select",
    "reject",
    "items",
    "list",
    "string",
    "int",
    "float",
    "abs",
    "indent",
    "batch",
    "slice",
];

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("valid regex"));
static STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"#).expect("valid regex"));
static FILTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\||\{%-?\s*filter\s)\s*([A-Za-z_][A-Za-z0-9_]*)").expect("valid regex")
});

/// The names of the filters `source` applies, in order of first use.
fn filter_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for tag in TAG.find_iter(source) {
        let code = STRING.replace_all(tag.as_str(), "\"\"");
        for c in FILTER.captures_iter(&code) {
            let name = c[1].to_string();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Whether minijinja knows the filter: applying an unknown one is the only `UnknownFilter`.
fn is_builtin_filter(name: &str) -> bool {
    let env = minijinja::Environment::new();
    let probe = format!("{{{{ none | {name} }}}}");
    env.render_str(&probe, ())
        .err()
        .is_none_or(|e| e.kind() != minijinja::ErrorKind::UnknownFilter)
}

/// The 1-based line where `word` first appears as a word (1 when it cannot be found).
fn line_of(source: &str, word: &str) -> usize {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    source
        .lines()
        .position(|l| {
            l.match_indices(word).any(|(i, _)| {
                !l[..i].chars().next_back().is_some_and(is_word)
                    && !l[i + word.len()..].chars().next().is_some_and(is_word)
            })
        })
        .map_or(1, |i| i + 1)
}

/// Why a template does not compile: the 1-based line within the template and a message.
pub(crate) struct TemplateError {
    pub line: usize,
    pub message: String,
    pub help: Option<String>,
}

/// `None` when `source` compiles.
pub(crate) fn compile_error(source: &str) -> Option<TemplateError> {
    let env = minijinja::Environment::new();
    let err = env.template_from_str(source).err()?;
    let range = err.range();
    let at_end = err.detail().is_some_and(|d| d.contains("end of input"));
    let near = range
        .clone()
        .filter(|_| !at_end)
        .and_then(|r| source.get(r))
        .and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|s| format!(" near `{}`", s.chars().take(40).collect::<String>()))
        .unwrap_or_default();
    let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
    // The span's start is more precise than `line()`, which can name the enclosing block.
    let line = range
        .and_then(|r| {
            let span = source.get(r.clone())?;
            let start = r.start + (span.len() - span.trim_start().len());
            source.get(..start)
        })
        .map(|before| before.matches('\n').count() + 1)
        .or(err.line())
        .unwrap_or(1);
    Some(TemplateError {
        line,
        message: format!("template does not compile{near}: {}{detail}", err.kind()),
        help: at_end.then(|| "a block (`{% for %}`, `{% if %}`, …) is never closed".to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_have_a_line_and_say_what_is_wrong() {
        let e = compile_error("{\n  \"input\": {{ input | tojson }},\n  \"x\": {{ case.id }\n}")
            .unwrap();
        assert_eq!(e.line, 3, "{}", e.message);
        assert!(
            e.message.starts_with("template does not compile"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("near `}`: syntax error: unexpected `}`"),
            "{}",
            e.message
        );
        let e = compile_error("{% for x in y %}\nno end").unwrap();
        assert_eq!(e.line, 2, "{}", e.message);
        assert!(
            e.message.contains("unexpected end of input"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_filters_are_a_render_time_concern() {
        assert!(compile_error("{{ input | no_such_filter }}").is_none());
    }

    fn checked(source: &str, kind: TemplateKind) -> String {
        template_error(source, kind).map_or_else(String::new, |e| {
            format!("{}: {} ({})", e.line, e.message, e.help.unwrap_or_default())
        })
    }

    #[test]
    fn undefined_variables_and_filters_are_found_with_their_line() {
        let body = "{\n  \"input\": {{ inptu | tojson }}\n}";
        assert_eq!(
            checked(body, TemplateKind::Body),
            "2: undefined variable `inptu` in the request body template (a request body template can use `input`, `messages`, `turn`, `session_id`, `case`)"
        );
        assert_eq!(
            checked("{{ case.idd }}", TemplateKind::Body),
            "1: undefined variable `case.idd` in the request body template (`case` has `id`, `tags`, `tier`, `tools`, `fixtures`)"
        );
        assert_eq!(
            checked("a\n{{ input | tojsn }}", TemplateKind::Rubric),
            "2: unknown filter `tojsn` in the rubric template (did you mean `tojson`?)"
        );
        assert_eq!(
            checked("{{ view.x | md_txt }}", TemplateKind::Comment),
            "1: unknown filter `md_txt` in the comment template (did you mean `md_text`?)"
        );
        // Locals, loop variables, globals and filters inside strings are fine.
        let fine = "{% set n = 1 %}{% for m in messages %}{{ loop.index }}{{ m.role | upper }}{% endfor %}{{ n }}{{ range(3) | list }}{{ \"a | b\" }}{{ case.id }}";
        assert_eq!(checked(fine, TemplateKind::Body), "");
        assert_eq!(checked("{{ view | dash }}", TemplateKind::Report), "");
        assert_eq!(
            checked(
                "{\n\"m\": {{ messages[3].content | tojson }}}",
                TemplateKind::Body
            ),
            "2: the request body template does not render on a sample case: `messages[3]` is undefined (the sample case has one user message `hello`, id `sample`, no tags and no tier)"
        );
    }

    #[test]
    fn the_built_in_templates_pass_their_own_check() {
        assert_eq!(
            checked(crate::report::DEFAULT_TEMPLATE, TemplateKind::Report),
            ""
        );
        assert_eq!(
            checked(
                crate::report::comment::COMMENT_TEMPLATE,
                TemplateKind::Comment
            ),
            ""
        );
    }
}

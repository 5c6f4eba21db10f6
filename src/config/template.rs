//! Compile checks for minijinja templates (request bodies, the report template).
//!
//! Only syntax is checked here; rendering (and undefined variables) happens where the template
//! is used. Must not render anything.

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
}

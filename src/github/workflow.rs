//! Workflow commands and files: `$GITHUB_OUTPUT` entries, `::error` annotations, appends to
//! `$GITHUB_STEP_SUMMARY`. Formatting is pure; [`append`] is the only write.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

/// `name<<delim\nvalue\ndelim\n` (the multi-line form), with a delimiter the value does not
/// contain, so no value can inject another output.
pub fn output_entry(name: &str, value: &str) -> String {
    let mut delim = "EVALGATE_EOF".to_string();
    let mut n = 0;
    while value.lines().any(|l| l == delim) || name.contains(&delim) {
        n += 1;
        delim = format!("EVALGATE_EOF_{n}");
    }
    format!("{name}<<{delim}\n{value}\n{delim}\n")
}

/// `::error file=…,line=…,title=…::message`, escaped by the workflow-command rules.
pub fn error_annotation(file: &str, line: u32, title: &str, message: &str) -> String {
    format!(
        "::error file={},line={line},title={}::{}",
        escape_property(file),
        escape_property(title),
        escape_data(message)
    )
}

/// `::warning::message`.
pub fn warning(message: &str) -> String {
    format!("::warning::{}", escape_data(message))
}

/// Message text: `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Property values additionally escape `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Appends `text` to a workflow file (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`).
pub fn append(path: &Path, text: &str) -> io::Result<()> {
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_by_the_workflow_command_rules() {
        assert_eq!(
            error_annotation("evals/a,b:c.yaml", 12, "case x", "50% done\r\nnext::line"),
            "::error file=evals/a%2Cb%3Ac.yaml,line=12,title=case x::50%25 done%0D%0Anext::line"
        );
        assert_eq!(warning("a\nb"), "::warning::a%0Ab");
    }

    #[test]
    fn outputs_use_a_delimiter_the_value_does_not_contain() {
        assert_eq!(
            output_entry("verdict", "pass"),
            "verdict<<EVALGATE_EOF\npass\nEVALGATE_EOF\n"
        );
        let v = "x\nEVALGATE_EOF\nsneaky=1";
        assert_eq!(
            output_entry("o", v),
            "o<<EVALGATE_EOF_1\nx\nEVALGATE_EOF\nsneaky=1\nEVALGATE_EOF_1\n"
        );
    }
}

//! Case selection: which cases of a plan a run executes (`--suite`, `--case`, `--tag`).
//!
//! Pure: a [`Filter`] and a [`Plan`] in, indices out. An empty selection is not an error here
//! (the CLI maps it to exit 4); an unknown suite or a malformed glob is.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::model::{Case, Plan, Suite};

/// Filters from the command line. Empty lists select everything; a case must pass all three.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Suite names (exact).
    pub suites: Vec<String>,
    /// Globs on the case id; a glob may also name the suite (`billing/refund-*`).
    pub cases: Vec<String>,
    /// A case is selected when it has at least one of these tags.
    pub tags: Vec<String>,
}

/// One selected case: indices into `plan.suites` and that suite's `cases`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selected {
    pub suite: usize,
    pub case: usize,
}

impl Selected {
    /// The suite and case this selection points at (panics on indices not from [`select`]).
    pub fn resolve<'p>(&self, plan: &'p Plan) -> (&'p Suite, &'p Case) {
        let suite = &plan.suites[self.suite];
        (suite, &suite.cases[self.case])
    }
}

/// The cases of `plan` that pass `filter`, in plan order.
pub fn select(plan: &Plan, filter: &Filter) -> Result<Vec<Selected>, String> {
    for name in &filter.suites {
        if !plan.suites.iter().any(|s| &s.name == name) {
            let valid: Vec<String> = plan
                .suites
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect();
            return Err(format!(
                "unknown suite `{name}`; valid suites: {}",
                if valid.is_empty() {
                    "none (the config has no suites)".to_string()
                } else {
                    valid.join(", ")
                }
            ));
        }
    }
    let globs = compile_globs(&filter.cases)?;
    let mut selected = Vec::new();
    for (si, suite) in plan.suites.iter().enumerate() {
        if !filter.suites.is_empty() && !filter.suites.contains(&suite.name) {
            continue;
        }
        for (ci, case) in suite.cases.iter().enumerate() {
            let id_matches = globs.as_ref().is_none_or(|g| {
                g.is_match(&case.id) || g.is_match(format!("{}/{}", suite.name, case.id))
            });
            let tag_matches =
                filter.tags.is_empty() || case.tags.iter().any(|t| filter.tags.contains(t));
            if id_matches && tag_matches {
                selected.push(Selected {
                    suite: si,
                    case: ci,
                });
            }
        }
    }
    Ok(selected)
}

fn compile_globs(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| format!("invalid case pattern `{p}`: {}", e.kind()))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| format!("invalid case patterns: {}", e.kind()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::execute::tests::{case, plan};

    fn ids(plan: &Plan, sel: &[Selected]) -> Vec<String> {
        sel.iter()
            .map(|s| {
                let (suite, case) = s.resolve(plan);
                format!("{}/{}", suite.name, case.id)
            })
            .collect()
    }

    fn fixture() -> Plan {
        plan(vec![
            (
                "billing",
                vec![
                    case("refund-1", &["refund"]),
                    case("refund-2", &["refund", "adversarial"]),
                    case("invoice-1", &[]),
                ],
            ),
            (
                "support",
                vec![case("refund-3", &["refund"]), case("greet", &["smoke"])],
            ),
        ])
    }

    fn filter(suites: &[&str], cases: &[&str], tags: &[&str]) -> Filter {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Filter {
            suites: own(suites),
            cases: own(cases),
            tags: own(tags),
        }
    }

    #[test]
    fn empty_filter_selects_everything_in_plan_order() {
        let p = fixture();
        let sel = select(&p, &Filter::default()).unwrap();
        assert_eq!(
            ids(&p, &sel),
            [
                "billing/refund-1",
                "billing/refund-2",
                "billing/invoice-1",
                "support/refund-3",
                "support/greet"
            ]
        );
    }

    #[test]
    fn filters_combine() {
        let p = fixture();
        let sel = select(&p, &filter(&["billing"], &[], &[])).unwrap();
        assert_eq!(ids(&p, &sel).len(), 3);
        let sel = select(&p, &filter(&[], &["refund-*"], &[])).unwrap();
        assert_eq!(
            ids(&p, &sel),
            ["billing/refund-1", "billing/refund-2", "support/refund-3"]
        );
        let sel = select(&p, &filter(&[], &["support/refund-*"], &[])).unwrap();
        assert_eq!(ids(&p, &sel), ["support/refund-3"]);
        let sel = select(
            &p,
            &filter(&["billing"], &["refund-*"], &["adversarial", "smoke"]),
        )
        .unwrap();
        assert_eq!(ids(&p, &sel), ["billing/refund-2"]);
        let sel = select(&p, &filter(&[], &["nothing-*"], &[])).unwrap();
        assert!(sel.is_empty(), "an empty selection is not an error");
    }

    #[test]
    fn bad_filters_say_what_is_valid() {
        let p = fixture();
        let err = select(&p, &filter(&["biling"], &[], &[])).unwrap_err();
        assert_eq!(
            err,
            "unknown suite `biling`; valid suites: `billing`, `support`"
        );
        let err = select(&p, &filter(&[], &["refund-[1"], &[])).unwrap_err();
        assert!(
            err.starts_with("invalid case pattern `refund-[1`: unclosed character class"),
            "{err}"
        );
    }
}

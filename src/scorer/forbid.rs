//! `forbid`: which actual calls a `forbid` item matches, and the words of the check
//! (`trajectory.forbid`).
//!
//! An item matches a call when the name matches (equal, or the pattern finds it) and every
//! listed argument holds, scored by the matcher engine of expectations in `subset` mode (a
//! missing key does not match unless its matcher allows absence). Must not decide other checks
//! or pair calls.

use crate::model::{ArgsMode, ForbidCall, ToolCall, TrajectoryExpect};

use super::args::{held, score_args, spec_phrase};

/// One forbidden call: the actual call and the first `forbid` item it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub call: usize,
    pub item: usize,
}

/// Whether `item` matches `call`.
fn matches(item: &ForbidCall, call: &ToolCall) -> bool {
    item.name.matches(&call.name)
        && score_args(item.args.as_ref(), ArgsMode::Subset, &call.arguments).full
}

/// Every actual call that some `forbid` item matches, in call order.
pub(crate) fn forbidden(expect: &TrajectoryExpect, actual: &[ToolCall]) -> Vec<Hit> {
    actual
        .iter()
        .enumerate()
        .filter_map(|(call, c)| {
            let item = expect.forbid.iter().position(|f| matches(f, c))?;
            Some(Hit { call, item })
        })
        .collect()
}

/// "`issue_refund`", "`issue_refund` with `amount` > 500", "a call matching /^delete_/".
fn item_phrase(item: &ForbidCall) -> String {
    match &item.args {
        None => item.name.phrase(),
        Some(spec) => format!("{} with {}", item.name.phrase(), spec_phrase(spec)),
    }
}

/// The reason of `trajectory.forbid`: what is forbidden when it passes; each forbidden call by
/// number, and why, when it fails.
pub(crate) fn reason(expect: &TrajectoryExpect, actual: &[ToolCall], hits: &[Hit]) -> String {
    if hits.is_empty() {
        let items: Vec<String> = expect.forbid.iter().map(item_phrase).collect();
        return format!("none of {} was called", items.join(", "));
    }
    let mut parts: Vec<String> = Vec::new();
    // A plain tool name: its calls together ("`refund` was called (calls #3, #5)").
    let mut plain_done: Vec<&str> = Vec::new();
    for hit in hits {
        let item = &expect.forbid[hit.item];
        let call = &actual[hit.call];
        match (&item.args, item.name.exact()) {
            (None, Some(name)) => {
                if plain_done.contains(&name) {
                    continue;
                }
                plain_done.push(name);
                let numbers: Vec<String> = hits
                    .iter()
                    .filter(|h| h.item == hit.item)
                    .map(|h| format!("#{}", h.call + 1))
                    .collect();
                let calls = if numbers.len() == 1 { "call" } else { "calls" };
                parts.push(format!(
                    "`{name}` was called ({calls} {})",
                    numbers.join(", ")
                ));
            }
            (args, _) => {
                let mut why: Vec<String> = Vec::new();
                if item.name.exact().is_none() {
                    why.push(format!("its name matches {}", item.name.label()));
                }
                if let Some(spec) = args {
                    why.extend(held(spec, &call.arguments));
                }
                let head = format!("call #{} `{}` is forbidden", hit.call + 1, call.name);
                parts.push(if why.is_empty() {
                    head
                } else {
                    format!("{head}: {}", why.join(", "))
                });
            }
        }
    }
    // All plain names: the wording reports have always had.
    let prefix = if hits.iter().all(|h| plain(&expect.forbid[h.item])) {
        "forbidden tool called"
    } else {
        "forbidden call made"
    };
    format!("{prefix}: {}", parts.join("; "))
}

fn plain(item: &ForbidCall) -> bool {
    item.args.is_none() && item.name.exact().is_some()
}

#[cfg(test)]
#[path = "forbid_tests.rs"]
mod tests;

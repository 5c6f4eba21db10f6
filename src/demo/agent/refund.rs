//! Refunds and invoice questions: the flows the refund policy and the golden dataset are about.
//!
//! Policy: a refund of more than the limit ($500) is escalated with priority `high`, never issued;
//! a refund up to the limit on a paid invoice is issued; an unknown invoice, someone else's
//! invoice, an unpaid or an already refunded one gets no refund. Flaw 1 (deliberate) lives in
//! [`handle`].

use super::super::Variant;
use super::super::backend::{Account, Cents, Invoice, InvoiceStatus};
use super::super::parse::{self, AmountRequest};
use super::session::Session;
use super::{Context, Step, describe, identify};

impl Variant {
    /// Refunds above this are escalated.
    pub(crate) fn refund_limit(self) -> Cents {
        match self {
            Variant::Baseline => Cents(50_000),
            // The regression: a prompt change raised the limit to $1,000.
            Variant::Regressed => Cents(100_000),
        }
    }
}

/// A refund or a double charge.
pub(super) fn handle(s: &mut Session, ctx: &Context) -> Step<String> {
    let ids = parse::invoice_ids(&ctx.text);
    let (_, invoices) = account_and_invoices(s, ctx, &ids, "refund it", false)?;
    let target = duplicate_or_first(&invoices)?;
    let id = target.id;
    match target.status {
        InvoiceStatus::Refunded => {
            return Err(format!(
                "Invoice {id} was already refunded ({}), so there's nothing left to refund.",
                target.refunded
            ));
        }
        InvoiceStatus::Open => {
            return Err(format!(
                "Invoice {id} hasn't been paid yet (status: open), so there's nothing to refund."
            ));
        }
        InvoiceStatus::Paid => {}
    }
    let request = parse::refund_amount(&ctx.text);
    let refundable = target.refundable();
    let total = request.total().unwrap_or(refundable);
    if total > refundable {
        return Err(format!(
            "I can only refund up to {refundable} on invoice {id}, so I can't refund {total}."
        ));
    }
    let limit = s.variant.refund_limit();
    match request {
        // Flaw 1a (deliberate): spelled-out amounts went through a code path added later that
        // forgot the limit check, so "seven hundred dollars" is refunded instead of escalated.
        AmountRequest::Words(amount) => issue(s, id, &[amount]),
        // Flaw 1b (deliberate): split refunds are checked one by one against the limit, not on
        // their total, so "two refunds of $300" is refunded instead of escalated.
        AmountRequest::Split { count, each } if each <= limit => {
            issue(s, id, &vec![each; count as usize])
        }
        _ if total > limit => {
            let reason =
                format!("refund of {total} on {id} exceeds the {limit} limit and needs approval");
            let t = s.escalate("high", &reason);
            Ok(format!(
                "Refunds over {limit} need approval from our billing team, so I've escalated your \
                 request for {total} on invoice {id} (ticket {}, high priority). You'll hear back \
                 within one business day; no money has been moved yet.",
                t.id
            ))
        }
        _ => issue(s, id, &[total]),
    }
}

/// An invoice question.
pub(super) fn status(s: &mut Session, ctx: &Context) -> Step<String> {
    let ids = parse::invoice_ids(&ctx.text);
    // The regression's second half: invoice questions fetch before looking the customer up.
    let fetch_first = s.variant == Variant::Regressed;
    let (_, invoices) = account_and_invoices(s, ctx, &ids, "share its details", fetch_first)?;
    let lines: Vec<String> = invoices
        .iter()
        .map(|i| describe(i.id, i.amount, i.period, i.status))
        .collect();
    Ok(lines.join(" "))
}

/// Identifies the customer and fetches the invoices they named, checking they are theirs.
///
/// The account is looked up first unless `fetch_first` (the regressed variant's invoice questions).
fn account_and_invoices(
    s: &mut Session,
    ctx: &Context,
    ids: &[String],
    what: &str,
    fetch_first: bool,
) -> Step<(Account, Vec<Invoice>)> {
    let fetch_all = |s: &mut Session| -> Vec<Result<Invoice, String>> {
        ids.iter().map(|id| s.fetch_invoice(id)).collect()
    };
    let (account, fetched) = if fetch_first && !ids.is_empty() {
        let fetched = fetch_all(s);
        (identify(s, ctx)?, fetched)
    } else {
        let account = identify(s, ctx)?;
        if ids.is_empty() {
            return Err(
                "Which invoice do you mean? The number looks like INV-1234 and is on your \
                 billing page."
                    .to_string(),
            );
        }
        (account, fetch_all(s))
    };
    let mut invoices = Vec::new();
    for (id, found) in ids.iter().zip(fetched) {
        let invoice = found.map_err(|_| {
            format!("I couldn't find invoice {id}. Could you double-check the number?")
        })?;
        if invoice.account_id != account.id {
            return Err(format!(
                "Invoice {id} isn't on your account, so I can't {what}."
            ));
        }
        invoices.push(invoice);
    }
    Ok((account, invoices))
}

/// The invoice to refund: with several, the later of two that bill the same amount for the same
/// month (the duplicate of a double charge).
fn duplicate_or_first(invoices: &[Invoice]) -> Step<&Invoice> {
    if let [only] = invoices {
        return Ok(only);
    }
    invoices
        .iter()
        .enumerate()
        .find_map(|(i, a)| {
            invoices[i + 1..]
                .iter()
                .find(|b| b.amount == a.amount && b.period == a.period)
                .map(|b| if b.id > a.id { b } else { a })
        })
        .ok_or_else(|| {
            "Those invoices don't look like a double charge (different amounts or months). \
             Which one should I refund?"
                .to_string()
        })
}

/// Issues the refunds and says so.
fn issue(s: &mut Session, id: &str, amounts: &[Cents]) -> Step<String> {
    let mut refund_ids = Vec::new();
    for amount in amounts {
        let refund = s
            .issue_refund(id, *amount)
            .map_err(|e| format!("I couldn't issue the refund ({e}). Please try again later."))?;
        refund_ids.push(refund.id);
    }
    Ok(match amounts {
        [one] => format!(
            "Done! I've refunded {one} on invoice {id} (refund {}). It should appear on your \
             statement within 5-10 business days.",
            refund_ids[0]
        ),
        _ => format!(
            "Done! I've issued {} refunds of {} on invoice {id} ({}), {} in total. They should \
             appear on your statement within 5-10 business days.",
            amounts.len(),
            amounts[0],
            refund_ids.join(", "),
            Cents(amounts.iter().map(|a| a.0).sum())
        ),
    })
}

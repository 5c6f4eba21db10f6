//! The demo agent's in-memory billing system: accounts, invoices, a refund ledger, escalations.
//!
//! Each conversation gets a fresh [`Backend::seeded`] copy, so runs do not depend on the order or
//! concurrency of requests. The backend validates what a real billing API would (unknown ids, a
//! refund larger than what is left), but not the support *policy* (the $500 escalation limit):
//! that is the agent's job, which is exactly what the golden dataset checks.

use std::fmt;

/// An amount of US dollars in cents, so the policy's comparisons are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cents(pub u64);

impl Cents {
    /// The amount in dollars, as tools receive and return it.
    pub(crate) fn dollars(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Cents {
    /// `$1,200.00`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "${grouped}.{:02}", self.0 % 100)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Account {
    pub id: &'static str,
    pub email: &'static str,
    pub name: &'static str,
    pub plan: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InvoiceStatus {
    Paid,
    Open,
    Refunded,
}

impl InvoiceStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Open => "open",
            InvoiceStatus::Refunded => "refunded",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Invoice {
    pub id: &'static str,
    pub account_id: &'static str,
    pub amount: Cents,
    /// Billing period, `YYYY-MM`.
    pub period: &'static str,
    pub status: InvoiceStatus,
    pub refunded: Cents,
}

impl Invoice {
    /// What can still be refunded.
    pub(crate) fn refundable(&self) -> Cents {
        Cents(self.amount.0.saturating_sub(self.refunded.0))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refund {
    pub id: String,
    pub invoice_id: String,
    pub amount: Cents,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticket {
    pub id: String,
    pub priority: &'static str,
    pub reason: String,
}

/// One conversation's view of the billing system.
#[derive(Debug, Clone)]
pub(crate) struct Backend {
    accounts: Vec<Account>,
    invoices: Vec<Invoice>,
    pub refunds: Vec<Refund>,
    pub tickets: Vec<Ticket>,
}

const fn account(
    id: &'static str,
    email: &'static str,
    name: &'static str,
    plan: &'static str,
) -> Account {
    Account {
        id,
        email,
        name,
        plan,
    }
}

const fn invoice(
    id: &'static str,
    account_id: &'static str,
    cents: u64,
    period: &'static str,
    status: InvoiceStatus,
) -> Invoice {
    let refunded = match status {
        InvoiceStatus::Refunded => Cents(cents),
        _ => Cents(0),
    };
    Invoice {
        id,
        account_id,
        amount: Cents(cents),
        period,
        status,
        refunded,
    }
}

impl Backend {
    /// The fixed demo data the golden dataset `evals/support/v1.yaml` is written against.
    pub(crate) fn seeded() -> Backend {
        use InvoiceStatus::*;
        Backend {
            accounts: vec![
                account("ACC-1001", "jane@acme.io", "Jane Doe", "pro"),
                account("ACC-1002", "omar@globex.com", "Omar Haddad", "starter"),
                account("ACC-1003", "li.wei@initech.io", "Li Wei", "business"),
                account("ACC-1004", "sam@umbrella.co", "Sam Park", "starter"),
            ],
            invoices: vec![
                invoice("INV-1042", "ACC-1001", 4_900, "2026-05", Paid),
                // A duplicate of INV-1042: the same month charged twice.
                invoice("INV-1044", "ACC-1001", 4_900, "2026-05", Paid),
                invoice("INV-1043", "ACC-1001", 4_900, "2026-06", Open),
                invoice("INV-1077", "ACC-1001", 12_000, "2026-03", Refunded),
                invoice("INV-2207", "ACC-1002", 74_000, "2026-05", Paid),
                // A duplicate of INV-2207, over the refund limit.
                invoice("INV-2208", "ACC-1002", 74_000, "2026-05", Paid),
                invoice("INV-3301", "ACC-1003", 120_000, "2026-01", Paid),
                invoice("INV-3302", "ACC-1003", 50_000, "2026-04", Paid),
                invoice("INV-3303", "ACC-1003", 65_000, "2026-05", Paid),
                invoice("INV-4410", "ACC-1004", 30_000, "2026-05", Paid),
                invoice("INV-4411", "ACC-1004", 99_900, "2026-06", Paid),
            ],
            refunds: Vec::new(),
            tickets: Vec::new(),
        }
    }

    pub(crate) fn account_by_email(&self, email: &str) -> Result<Account, String> {
        self.accounts
            .iter()
            .find(|a| a.email.eq_ignore_ascii_case(email))
            .cloned()
            .ok_or_else(|| format!("no account with email `{email}`"))
    }

    pub(crate) fn account_by_id(&self, id: &str) -> Result<Account, String> {
        self.accounts
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .ok_or_else(|| format!("no account with id `{id}`"))
    }

    /// Ids are matched exactly, as a real billing API does: `inv-1042` is not `INV-1042`.
    pub(crate) fn invoice(&self, id: &str) -> Result<Invoice, String> {
        self.invoices
            .iter()
            .find(|i| i.id == id)
            .cloned()
            .ok_or_else(|| format!("no invoice `{id}`"))
    }

    /// Records a refund. Refuses what the billing system itself would refuse; the $500 policy
    /// limit is not enforced here.
    pub(crate) fn issue_refund(
        &mut self,
        invoice_id: &str,
        amount: Cents,
    ) -> Result<Refund, String> {
        let inv = self
            .invoices
            .iter_mut()
            .find(|i| i.id == invoice_id)
            .ok_or_else(|| format!("no invoice `{invoice_id}`"))?;
        if inv.status != InvoiceStatus::Paid {
            return Err(format!(
                "invoice `{invoice_id}` is `{}`, only `paid` invoices can be refunded",
                inv.status.as_str()
            ));
        }
        if amount.0 == 0 || amount > inv.refundable() {
            return Err(format!(
                "amount `{}` is not between $0.01 and the refundable {}",
                amount.dollars(),
                inv.refundable()
            ));
        }
        inv.refunded = Cents(inv.refunded.0 + amount.0);
        if inv.refundable().0 == 0 {
            inv.status = InvoiceStatus::Refunded;
        }
        let refund = Refund {
            id: format!("RF-{}", 5001 + self.refunds.len()),
            invoice_id: invoice_id.to_string(),
            amount,
        };
        self.refunds.push(refund.clone());
        Ok(refund)
    }

    pub(crate) fn escalate(&mut self, priority: &'static str, reason: &str) -> Ticket {
        let ticket = Ticket {
            id: format!("ESC-{}", 7001 + self.tickets.len()),
            priority,
            reason: reason.to_string(),
        };
        self.tickets.push(ticket.clone());
        ticket
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_render_as_dollars() {
        assert_eq!(Cents(4_900).to_string(), "$49.00");
        assert_eq!(Cents(120_050).to_string(), "$1,200.50");
        assert_eq!(Cents(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Cents(5).to_string(), "$0.05");
    }

    #[test]
    fn lookups_are_exact_on_ids() {
        let b = Backend::seeded();
        assert_eq!(b.account_by_email("JANE@acme.io").unwrap().id, "ACC-1001");
        assert_eq!(
            b.account_by_id("ACC-1003").unwrap().email,
            "li.wei@initech.io"
        );
        assert_eq!(b.invoice("INV-2207").unwrap().amount, Cents(74_000));
        assert_eq!(b.invoice("inv-2207").unwrap_err(), "no invoice `inv-2207`");
        assert!(b.account_by_email("nobody@example.com").is_err());
    }

    #[test]
    fn the_ledger_refuses_what_billing_would_refuse() {
        let mut b = Backend::seeded();
        let r = b.issue_refund("INV-4410", Cents(10_000)).unwrap();
        assert_eq!(r.id, "RF-5001");
        assert_eq!(b.invoice("INV-4410").unwrap().refundable(), Cents(20_000));
        assert!(b.issue_refund("INV-4410", Cents(20_001)).is_err());
        b.issue_refund("INV-4410", Cents(20_000)).unwrap();
        assert_eq!(
            b.invoice("INV-4410").unwrap().status,
            InvoiceStatus::Refunded
        );
        assert!(
            b.issue_refund("INV-4410", Cents(1))
                .unwrap_err()
                .contains("`refunded`")
        );
        assert!(
            b.issue_refund("INV-1043", Cents(100))
                .unwrap_err()
                .contains("`open`")
        );
        // The policy limit is the agent's job, not the ledger's.
        assert!(b.issue_refund("INV-3301", Cents(90_000)).is_ok());
    }

    #[test]
    fn tickets_are_numbered_per_conversation() {
        let mut b = Backend::seeded();
        assert_eq!(b.escalate("high", "x").id, "ESC-7001");
        assert_eq!(b.escalate("low", "y").id, "ESC-7002");
        assert_eq!(Backend::seeded().escalate("high", "z").id, "ESC-7001");
    }
}

//! One conversation's tool loop: each tool call runs against the conversation's own backend and
//! is recorded (name, arguments, status, result) for the reply's `tool_calls`.

use serde_json::{Value, json};

use super::super::Variant;
use super::super::backend::{Account, Backend, Cents, Invoice, Refund, Ticket};
use super::Step;
use crate::model::{CallStatus, ToolCall};

/// How the customer identified themselves.
#[derive(Debug, Clone, Copy)]
pub(super) enum AccountKey<'a> {
    Email(&'a str),
    Id(&'a str),
}

pub(super) struct Session {
    pub backend: Backend,
    pub calls: Vec<ToolCall>,
    pub variant: Variant,
}

impl Session {
    pub fn new(variant: Variant) -> Session {
        Session {
            backend: Backend::seeded(),
            calls: Vec::new(),
            variant,
        }
    }

    fn record(&mut self, name: &str, arguments: Value, outcome: Result<Value, String>) {
        let (status, result) = match outcome {
            Ok(v) => (CallStatus::Ok, v),
            Err(e) => (CallStatus::Error, json!({ "error": e })),
        };
        self.calls.push(ToolCall {
            name: name.to_string(),
            arguments,
            status,
            result: Some(result),
        });
    }

    /// `lookup_account {email | account_id}`; a miss ends the conversation with a question.
    pub fn lookup_account(&mut self, key: AccountKey<'_>) -> Step<Account> {
        let (args, found, ask) = match key {
            AccountKey::Email(e) => (
                json!({ "email": e }),
                self.backend.account_by_email(e),
                format!("I couldn't find an account for {e}. Could you check the email address?"),
            ),
            AccountKey::Id(id) => (
                json!({ "account_id": id }),
                self.backend.account_by_id(id),
                format!("I couldn't find account {id}. Could you check the account id?"),
            ),
        };
        let outcome = found.as_ref().map(account_json).map_err(Clone::clone);
        self.record("lookup_account", args, outcome);
        found.map_err(|_| ask)
    }

    /// `fetch_invoice {invoice_id}`; the error is the backend's message.
    pub fn fetch_invoice(&mut self, id: &str) -> Result<Invoice, String> {
        let found = self.backend.invoice(id);
        let outcome = found.as_ref().map(invoice_json).map_err(Clone::clone);
        self.record("fetch_invoice", json!({ "invoice_id": id }), outcome);
        found
    }

    /// `issue_refund {invoice_id, amount}` with the amount in dollars.
    pub fn issue_refund(&mut self, id: &str, amount: Cents) -> Result<Refund, String> {
        let done = self.backend.issue_refund(id, amount);
        let outcome = done
            .as_ref()
            .map(|r| {
                json!({
                    "refund_id": r.id,
                    "invoice_id": r.invoice_id,
                    "amount": r.amount.dollars(),
                    "status": "issued",
                })
            })
            .map_err(Clone::clone);
        self.record(
            "issue_refund",
            json!({ "invoice_id": id, "amount": amount.dollars() }),
            outcome,
        );
        done
    }

    /// `escalate {priority, reason}`.
    pub fn escalate(&mut self, priority: &'static str, reason: &str) -> Ticket {
        let ticket = self.backend.escalate(priority, reason);
        let result = json!({
            "ticket_id": ticket.id,
            "priority": ticket.priority,
            "queue": "billing-tier2",
        });
        self.record(
            "escalate",
            json!({ "priority": priority, "reason": reason }),
            Ok(result),
        );
        ticket
    }
}

fn account_json(a: &Account) -> Value {
    json!({ "account_id": a.id, "email": a.email, "name": a.name, "plan": a.plan })
}

fn invoice_json(i: &Invoice) -> Value {
    json!({
        "invoice_id": i.id,
        "account_id": i.account_id,
        "amount": i.amount.dollars(),
        "currency": "USD",
        "period": i.period,
        "status": i.status.as_str(),
        "refunded_amount": i.refunded.dollars(),
    })
}

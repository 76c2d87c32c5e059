//! The team's security events (sign-ins, failed sign-ins, enrolments, approvals, revocations,
//! hand-overs, the identity, settings and account changes): who, when, which device, never
//! what was typed or written. Coordinators read them (`GET /api/team/events`).
//!
//! An event is recorded after what it records has happened. Should recording fail, the action
//! stands and the failure goes to the operator's log with the event's kind: refusing a
//! sign-in because the audit table is locked would turn a disk problem into an outage.

use faltlogg_core::api::AuditKind;
use uuid::Uuid;

use crate::db::{NewAuditEvent, Store};
use crate::now_ms;

/// What happened, to which team, by whom.
pub struct Event {
    pub team: Uuid,
    pub kind: AuditKind,
    pub user: Option<Uuid>,
    pub device: Option<Uuid>,
    pub target: Option<Uuid>,
}

impl Event {
    pub fn new(team: Uuid, kind: AuditKind) -> Event {
        Event {
            team,
            kind,
            user: None,
            device: None,
            target: None,
        }
    }

    pub fn by(mut self, user: Uuid, device: Option<Uuid>) -> Event {
        self.user = Some(user);
        self.device = device;
        self
    }

    pub fn on(mut self, target: Uuid) -> Event {
        self.target = Some(target);
        self
    }
}

pub async fn record(store: &dyn Store, event: Event) {
    let row = NewAuditEvent {
        team: event.team,
        kind: event.kind,
        user: event.user,
        device: event.device,
        target: event.target,
        at_ms: now_ms(),
    };
    if let Err(error) = store.record_event(&row).await {
        tracing::error!(%error, kind = ?event.kind, "cannot record a security event");
    }
}

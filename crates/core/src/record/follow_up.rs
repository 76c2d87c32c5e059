//! A follow-up (*uppföljning*): a planned next step with a person, due on a date, assigned to a
//! worker, perhaps linked to the contact or support offer it follows. Planned, then done,
//! missed or cancelled; a planned follow-up past its due date is overdue.

use uuid::Uuid;

use super::date::Date;
use super::text::{self, required_line};
use super::{coded, Coded, FieldError, FieldId, Fields, Kind, Problem, Problems, Record, Value};

/// The follow-up's field numbers (part of the stored format).
pub mod field {
    use crate::record::FieldId;
    pub const PERSON: FieldId = 1;
    pub const DUE: FieldId = 2;
    pub const ASSIGNED: FieldId = 3;
    /// The contact or support offer it follows (the id tells which: look it up in both).
    pub const LINK: FieldId = 4;
    pub const STATUS: FieldId = 5;
    pub const OUTCOME: FieldId = 6;
    pub const CLOSED_ON: FieldId = 7;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    #[default]
    Planned,
    Done,
    Missed,
    Cancelled,
}

impl Coded for Status {
    const ALL: &'static [Status] = &[
        Status::Planned,
        Status::Done,
        Status::Missed,
        Status::Cancelled,
    ];
    fn code(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Done => "done",
            Status::Missed => "missed",
            Status::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: Uuid,
    pub person: Option<Uuid>,
    pub due: Option<Date>,
    /// The worker it is assigned to, as the team writes names.
    pub assigned: String,
    pub link: Option<Uuid>,
    pub status: Status,
    pub outcome: String,
    pub closed_on: Option<Date>,
}

impl Record for FollowUp {
    const KIND: Kind = Kind::FollowUp;

    fn id(&self) -> Uuid {
        self.id
    }

    fn from_fields(id: Uuid, f: &impl Fields) -> FollowUp {
        let date = |v: &Value| v.as_int().map(|d| Date(d as i32));
        FollowUp {
            id,
            person: f.value(field::PERSON).as_id(),
            due: date(f.value(field::DUE)),
            assigned: f.value(field::ASSIGNED).as_text().to_string(),
            link: f.value(field::LINK).as_id(),
            status: coded(f.value(field::STATUS)).unwrap_or_default(),
            outcome: f.value(field::OUTCOME).as_text().to_string(),
            closed_on: date(f.value(field::CLOSED_ON)),
        }
    }

    fn to_fields(&self) -> Vec<(FieldId, Value)> {
        let date = |d: Option<Date>| d.map_or(Value::Empty, |d| Value::Int(i64::from(d.0)));
        vec![
            (field::PERSON, self.person.map_or(Value::Empty, Value::Id)),
            (field::DUE, date(self.due)),
            (field::ASSIGNED, Value::text(&self.assigned)),
            (field::LINK, self.link.map_or(Value::Empty, Value::Id)),
            (field::STATUS, Value::text(self.status.code())),
            (field::OUTCOME, Value::text(&self.outcome)),
            (field::CLOSED_ON, date(self.closed_on)),
        ]
    }
}

impl FollowUp {
    /// Planned and due before `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.status == Status::Planned && self.due.is_some_and(|d| d < today)
    }

    /// Planned and due today.
    pub fn due_today(&self, today: Date) -> bool {
        self.status == Status::Planned && self.due == Some(today)
    }

    /// The follow-up closed as `to` today, with its outcome. Only a planned follow-up closes;
    /// a closed one stays as it was (plan a new one instead).
    pub fn close(
        &self,
        to: Status,
        outcome: &str,
        today: Date,
    ) -> Result<FollowUp, Vec<FieldError>> {
        let mut p = Problems::default();
        if self.status != Status::Planned || to == Status::Planned {
            p.add("status", Problem::IllegalStep);
        }
        let outcome = p.text("outcome", outcome, text::note);
        let mut next = self.clone();
        next.status = to;
        next.outcome = outcome;
        next.closed_on = Some(today);
        p.into_result(next)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpDraft {
    pub person: Option<Uuid>,
    /// As `<input type="date">` gives it.
    pub due: String,
    pub assigned: String,
    pub link: Option<Uuid>,
}

impl FollowUpDraft {
    /// A new planned follow-up, due today or later.
    pub fn validate(
        &self,
        id: Uuid,
        today: Date,
        person_exists: impl Fn(Uuid) -> bool,
    ) -> Result<FollowUp, Vec<FieldError>> {
        let mut p = Problems::default();
        match self.person {
            None => p.add("follow-up-person", Problem::Missing),
            Some(id) if !person_exists(id) => p.add("follow-up-person", Problem::UnknownRecord),
            Some(_) => {}
        }
        let due = match Date::parse(&self.due) {
            None => {
                p.add("due", Problem::Missing);
                None
            }
            Some(d) if d < today => {
                p.add("due", Problem::InPast);
                None
            }
            d => d,
        };
        let assigned = p.text("assigned", &self.assigned, required_line);
        p.into_result(FollowUp {
            id,
            person: self.person,
            due,
            assigned,
            link: self.link,
            status: Status::Planned,
            outcome: String::new(),
            closed_on: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{codes_round_trip, fields_round_trip};

    fn today() -> Date {
        Date::parse("2026-12-01").unwrap()
    }

    fn planned(due: &str) -> Result<FollowUp, Vec<FieldError>> {
        FollowUpDraft {
            person: Some(Uuid::from_u128(1)),
            due: due.into(),
            assigned: "Sara".into(),
            link: Some(Uuid::from_u128(7)),
        }
        .validate(Uuid::from_u128(2), today(), |_| true)
    }

    #[test]
    fn planned_done_and_missed() {
        let f = planned("2026-12-03").unwrap();
        fields_round_trip(&f);
        assert!(!f.overdue(today()));
        assert!(f.overdue(Date::parse("2026-12-04").unwrap()));
        assert!(f.due_today(Date::parse("2026-12-03").unwrap()));
        let done = f.close(Status::Done, "Kom till mötet", today()).unwrap();
        assert_eq!((done.status, done.closed_on), (Status::Done, Some(today())));
        assert!(!done.overdue(Date::parse("2027-01-01").unwrap()));
        fields_round_trip(&done);
        let missed = f.close(Status::Missed, "", today()).unwrap();
        assert_eq!(missed.status, Status::Missed);
        assert!(done.close(Status::Missed, "", today()).is_err());
        assert!(f.close(Status::Planned, "", today()).is_err());
    }

    #[test]
    fn due_in_the_past_and_missing_fields_are_refused() {
        let e = planned("2026-11-30").unwrap_err();
        assert_eq!((e[0].field, e[0].problem), ("due", Problem::InPast));
        assert!(planned("2026-12-01").is_ok());
        let e = FollowUpDraft::default()
            .validate(Uuid::nil(), today(), |_| true)
            .unwrap_err();
        let found: Vec<(&str, Problem)> = e.iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            found,
            [
                ("follow-up-person", Problem::Missing),
                ("due", Problem::Missing),
                ("assigned", Problem::Missing)
            ]
        );
        codes_round_trip::<Status>();
    }
}

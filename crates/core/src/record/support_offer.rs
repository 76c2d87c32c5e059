//! A support offer (*stödinsats*) to a person, and its lifecycle:
//!
//! ```text
//! offered ─► accepted ─► started ─► completed
//!    │           │          │
//!    ▼           ▼          ▼
//! declined   dropped out  dropped out
//! ```
//! Each step is dated (never before the step it follows, never in the future); declining and
//! dropping out need a reason. Any other step is refused with [`Problem::IllegalStep`].

use uuid::Uuid;

use super::date::Date;
use super::text::{self, optional_line, required_line};
use super::{coded, Coded, FieldError, FieldId, Fields, Kind, Problem, Problems, Record, Value};

/// The offer's field numbers (part of the stored format).
pub mod field {
    use crate::record::FieldId;
    pub const PERSON: FieldId = 1;
    pub const CATEGORY: FieldId = 2;
    pub const PROVIDER: FieldId = 3;
    pub const STATUS: FieldId = 4;
    pub const OFFERED_ON: FieldId = 5;
    pub const ACCEPTED_ON: FieldId = 6;
    pub const STARTED_ON: FieldId = 7;
    /// When it was completed, declined or dropped.
    pub const ENDED_ON: FieldId = 8;
    pub const END_REASON: FieldId = 9;
    pub const NOTE: FieldId = 10;
}

/// The categories of DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Work,
    Education,
    Housing,
    SubstanceUse,
    MentalHealth,
    FamilySupport,
    ExitProgramme,
    Protection,
    DebtFinances,
    DrivingLicence,
    Leisure,
    Legal,
}

impl Coded for Category {
    const ALL: &'static [Category] = &[
        Category::Work,
        Category::Education,
        Category::Housing,
        Category::SubstanceUse,
        Category::MentalHealth,
        Category::FamilySupport,
        Category::ExitProgramme,
        Category::Protection,
        Category::DebtFinances,
        Category::DrivingLicence,
        Category::Leisure,
        Category::Legal,
    ];
    fn code(self) -> &'static str {
        match self {
            Category::Work => "work",
            Category::Education => "education",
            Category::Housing => "housing",
            Category::SubstanceUse => "substance-use",
            Category::MentalHealth => "mental-health",
            Category::FamilySupport => "family",
            Category::ExitProgramme => "exit",
            Category::Protection => "protection",
            Category::DebtFinances => "debt",
            Category::DrivingLicence => "driving-licence",
            Category::Leisure => "leisure",
            Category::Legal => "legal",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    #[default]
    Offered,
    Accepted,
    Started,
    Completed,
    Declined,
    DroppedOut,
}

impl Coded for Status {
    const ALL: &'static [Status] = &[
        Status::Offered,
        Status::Accepted,
        Status::Started,
        Status::Completed,
        Status::Declined,
        Status::DroppedOut,
    ];
    fn code(self) -> &'static str {
        match self {
            Status::Offered => "offered",
            Status::Accepted => "accepted",
            Status::Started => "started",
            Status::Completed => "completed",
            Status::Declined => "declined",
            Status::DroppedOut => "dropped-out",
        }
    }
}

impl Status {
    /// The steps allowed from here.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Offered => &[Status::Accepted, Status::Declined],
            Status::Accepted => &[Status::Started, Status::DroppedOut],
            Status::Started => &[Status::Completed, Status::DroppedOut],
            Status::Completed | Status::Declined | Status::DroppedOut => &[],
        }
    }

    /// Still open: offered, accepted or started.
    pub fn is_open(self) -> bool {
        !self.next().is_empty()
    }

    /// Ending early needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Status::Declined | Status::DroppedOut)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportOffer {
    pub id: Uuid,
    pub person: Option<Uuid>,
    pub category: Category,
    pub provider: String,
    pub status: Status,
    pub offered_on: Option<Date>,
    pub accepted_on: Option<Date>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub end_reason: String,
    pub note: String,
}

fn date_of(v: &Value) -> Option<Date> {
    v.as_int().map(|d| Date(d as i32))
}

fn date_value(d: Option<Date>) -> Value {
    d.map_or(Value::Empty, |d| Value::Int(i64::from(d.0)))
}

impl Record for SupportOffer {
    const KIND: Kind = Kind::SupportOffer;

    fn id(&self) -> Uuid {
        self.id
    }

    fn from_fields(id: Uuid, f: &impl Fields) -> SupportOffer {
        SupportOffer {
            id,
            person: f.value(field::PERSON).as_id(),
            category: coded(f.value(field::CATEGORY)).unwrap_or(Category::Work),
            provider: f.value(field::PROVIDER).as_text().to_string(),
            status: coded(f.value(field::STATUS)).unwrap_or_default(),
            offered_on: date_of(f.value(field::OFFERED_ON)),
            accepted_on: date_of(f.value(field::ACCEPTED_ON)),
            started_on: date_of(f.value(field::STARTED_ON)),
            ended_on: date_of(f.value(field::ENDED_ON)),
            end_reason: f.value(field::END_REASON).as_text().to_string(),
            note: f.value(field::NOTE).as_text().to_string(),
        }
    }

    fn to_fields(&self) -> Vec<(FieldId, Value)> {
        vec![
            (field::PERSON, self.person.map_or(Value::Empty, Value::Id)),
            (field::CATEGORY, Value::text(self.category.code())),
            (field::PROVIDER, Value::text(&self.provider)),
            (field::STATUS, Value::text(self.status.code())),
            (field::OFFERED_ON, date_value(self.offered_on)),
            (field::ACCEPTED_ON, date_value(self.accepted_on)),
            (field::STARTED_ON, date_value(self.started_on)),
            (field::ENDED_ON, date_value(self.ended_on)),
            (field::END_REASON, Value::text(&self.end_reason)),
            (field::NOTE, Value::text(&self.note)),
        ]
    }
}

impl SupportOffer {
    /// The date of the latest step taken.
    pub fn last_step_on(&self) -> Option<Date> {
        self.ended_on
            .or(self.started_on)
            .or(self.accepted_on)
            .or(self.offered_on)
    }

    /// The offer after the step to `to` on `on`, or why that step is refused. The errors name
    /// the step form's fields: `status`, `step-date`, `reason`.
    pub fn step(
        &self,
        to: Status,
        on: Option<Date>,
        reason: &str,
        today: Date,
    ) -> Result<SupportOffer, Vec<FieldError>> {
        let mut p = Problems::default();
        if !self.status.next().contains(&to) {
            p.add("status", Problem::IllegalStep);
        }
        match on {
            None => p.add("step-date", Problem::Missing),
            Some(d) if d > today => p.add("step-date", Problem::InFuture),
            Some(d) if self.last_step_on().is_some_and(|last| d < last) => {
                p.add("step-date", Problem::BeforePrevious)
            }
            Some(_) => {}
        }
        let reason = if to.needs_reason() {
            p.text("reason", reason, required_line)
        } else {
            String::new()
        };
        let mut next = self.clone();
        next.status = to;
        match to {
            Status::Accepted => next.accepted_on = on,
            Status::Started => next.started_on = on,
            Status::Completed | Status::Declined | Status::DroppedOut => {
                next.ended_on = on;
                next.end_reason = reason;
            }
            Status::Offered => {}
        }
        p.into_result(next)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferDraft {
    pub person: Option<Uuid>,
    pub category: Option<Category>,
    pub provider: String,
    pub offered_on: String,
    pub note: String,
}

impl OfferDraft {
    /// A new offer, status offered. `person_exists` says whether the person is known here.
    pub fn validate(
        &self,
        id: Uuid,
        today: Date,
        person_exists: impl Fn(Uuid) -> bool,
    ) -> Result<SupportOffer, Vec<FieldError>> {
        let mut p = Problems::default();
        match self.person {
            None => p.add("person", Problem::Missing),
            Some(id) if !person_exists(id) => p.add("person", Problem::UnknownRecord),
            Some(_) => {}
        }
        if self.category.is_none() {
            p.add("category", Problem::Missing);
        }
        let provider = p.text("provider", &self.provider, optional_line);
        let offered_on = match Date::parse(&self.offered_on) {
            None => {
                p.add("offered-on", Problem::Missing);
                None
            }
            Some(d) if d > today => {
                p.add("offered-on", Problem::InFuture);
                None
            }
            d => d,
        };
        let note = p.text("note", &self.note, text::note);
        p.into_result(SupportOffer {
            id,
            person: self.person,
            category: self.category.unwrap_or(Category::Work),
            provider,
            status: Status::Offered,
            offered_on,
            accepted_on: None,
            started_on: None,
            ended_on: None,
            end_reason: String::new(),
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{codes_round_trip, fields_round_trip};

    fn d(s: &str) -> Option<Date> {
        Date::parse(s)
    }

    fn today() -> Date {
        d("2026-12-01").unwrap()
    }

    fn offered() -> SupportOffer {
        OfferDraft {
            person: Some(Uuid::from_u128(1)),
            category: Some(Category::Housing),
            provider: "Bostadsbolaget".into(),
            offered_on: "2026-11-01".into(),
            note: String::new(),
        }
        .validate(Uuid::from_u128(2), today(), |_| true)
        .unwrap()
    }

    #[test]
    fn the_whole_lifecycle_is_dated_and_round_trips() {
        let o = offered();
        fields_round_trip(&o);
        let o = o
            .step(Status::Accepted, d("2026-11-05"), "", today())
            .unwrap();
        let o = o
            .step(Status::Started, d("2026-11-10"), "", today())
            .unwrap();
        let o = o
            .step(Status::Completed, d("2026-11-30"), "", today())
            .unwrap();
        assert_eq!(o.status, Status::Completed);
        assert_eq!(
            (o.accepted_on, o.started_on, o.ended_on),
            (d("2026-11-05"), d("2026-11-10"), d("2026-11-30"))
        );
        assert!(!o.status.is_open());
        fields_round_trip(&o);
    }

    #[test]
    fn illegal_steps_dates_and_missing_reasons_are_refused() {
        let o = offered();
        let problems = |r: Result<SupportOffer, Vec<FieldError>>| -> Vec<(&str, Problem)> {
            r.unwrap_err()
                .iter()
                .map(|e| (e.field, e.problem))
                .collect()
        };
        assert_eq!(
            problems(o.step(Status::Completed, d("2026-11-05"), "", today())),
            [("status", Problem::IllegalStep)]
        );
        assert_eq!(
            problems(o.step(Status::Started, d("2026-11-05"), "", today())),
            [("status", Problem::IllegalStep)]
        );
        assert_eq!(
            problems(o.step(Status::Accepted, d("2026-10-01"), "", today())),
            [("step-date", Problem::BeforePrevious)]
        );
        assert_eq!(
            problems(o.step(Status::Accepted, d("2026-12-02"), "", today())),
            [("step-date", Problem::InFuture)]
        );
        assert_eq!(
            problems(o.step(Status::Accepted, None, "", today())),
            [("step-date", Problem::Missing)]
        );
        assert_eq!(
            problems(o.step(Status::Declined, d("2026-11-02"), "  ", today())),
            [("reason", Problem::Missing)]
        );
        let declined = o
            .step(Status::Declined, d("2026-11-02"), "Vill inte", today())
            .unwrap();
        assert_eq!(declined.end_reason, "Vill inte");
        for to in Status::ALL {
            assert!(declined.step(*to, d("2026-11-03"), "x", today()).is_err());
        }
        let started = o
            .step(Status::Accepted, d("2026-11-02"), "", today())
            .and_then(|o| o.step(Status::Started, d("2026-11-03"), "", today()))
            .unwrap();
        let dropped = started
            .step(Status::DroppedOut, d("2026-11-04"), "Flyttade", today())
            .unwrap();
        assert_eq!(dropped.status, Status::DroppedOut);
    }

    #[test]
    fn a_new_offer_needs_a_person_a_category_and_a_date_not_in_the_future() {
        let e = OfferDraft {
            offered_on: "2026-12-24".into(),
            ..OfferDraft::default()
        }
        .validate(Uuid::nil(), today(), |_| true)
        .unwrap_err();
        let found: Vec<(&str, Problem)> = e.iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            found,
            [
                ("person", Problem::Missing),
                ("category", Problem::Missing),
                ("offered-on", Problem::InFuture)
            ]
        );
        let unknown = OfferDraft {
            person: Some(Uuid::from_u128(5)),
            ..OfferDraft::default()
        };
        assert!(unknown
            .validate(Uuid::nil(), today(), |_| false)
            .unwrap_err()
            .iter()
            .any(|e| e.problem == Problem::UnknownRecord));
        codes_round_trip::<Category>();
        codes_round_trip::<Status>();
    }
}

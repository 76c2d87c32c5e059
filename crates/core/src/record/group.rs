//! A group (*grupp / nätverk*): a violent group or network. Its members are the persons that
//! name it (`Person::groups`), so membership has one place and cannot disagree with itself.

use uuid::Uuid;

use super::text::{self, fold_case, optional_line, required_line};
use super::{FieldError, FieldId, Fields, Kind, Problems, Record, Value};

/// The group's field numbers (part of the stored format).
pub mod field {
    use crate::record::FieldId;
    pub const ALIAS: FieldId = 1;
    pub const AREA: FieldId = 2;
    pub const NOTE: FieldId = 3;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: Uuid,
    pub alias: String,
    pub area: String,
    pub note: String,
}

impl Record for Group {
    const KIND: Kind = Kind::Group;

    fn id(&self) -> Uuid {
        self.id
    }

    fn from_fields(id: Uuid, f: &impl Fields) -> Group {
        Group {
            id,
            alias: f.value(field::ALIAS).as_text().to_string(),
            area: f.value(field::AREA).as_text().to_string(),
            note: f.value(field::NOTE).as_text().to_string(),
        }
    }

    fn to_fields(&self) -> Vec<(FieldId, Value)> {
        vec![
            (field::ALIAS, Value::text(&self.alias)),
            (field::AREA, Value::text(&self.area)),
            (field::NOTE, Value::text(&self.note)),
        ]
    }
}

impl Group {
    pub fn matches(&self, folded_query: &str) -> bool {
        fold_case(&self.alias).contains(folded_query)
            || fold_case(&self.area).contains(folded_query)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupDraft {
    pub alias: String,
    pub area: String,
    pub note: String,
}

impl GroupDraft {
    pub fn of(g: &Group) -> GroupDraft {
        GroupDraft {
            alias: g.alias.clone(),
            area: g.area.clone(),
            note: g.note.clone(),
        }
    }

    pub fn validate(&self, id: Uuid) -> Result<Group, Vec<FieldError>> {
        let mut p = Problems::default();
        let alias = p.text("alias", &self.alias, required_line);
        let area = p.text("area", &self.area, optional_line);
        let note = p.text("note", &self.note, text::note);
        p.into_result(Group {
            id,
            alias,
            area,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::fields_round_trip;
    use crate::record::Problem;

    #[test]
    fn a_group_needs_an_alias_and_round_trips() {
        let g = GroupDraft {
            alias: " Norra ".into(),
            area: "Norr".into(),
            note: String::new(),
        }
        .validate(Uuid::from_u128(3))
        .unwrap();
        assert_eq!(g.alias, "Norra");
        fields_round_trip(&g);
        assert!(g.matches("norr"));
        let e = GroupDraft::default().validate(Uuid::nil()).unwrap_err();
        assert_eq!((e[0].field, e[0].problem), ("alias", Problem::Missing));
    }
}

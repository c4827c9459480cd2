//! Mailing lists: bound to a class or a group of the structure, whose members (as they are when
//! a post is sent) receive every post. Stream: `<uai>/mailing-list/<id>`.

use uuid::Uuid;

use super::commands::{AddresseeKind, CreateMailingList};
use super::events::MailingListCreated;
use crate::directory::{StructureState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// State of one mailing list.
#[derive(Debug, Clone, Default)]
pub struct MailingListState {
    pub created: Option<MailingListCreated>,
}

impl MailingListState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for MailingListState {
    const TYPE: &'static str = "mailing-list";

    fn apply(&mut self, event: &Event) {
        if let Event::MailingListCreated(e) = event {
            self.created = Some(e.clone());
        }
    }
}

/// `CreateMailingList`: a name, bound to a class or a group of the structure.
pub fn create_mailing_list(structure: &StructureState, cmd: &CreateMailingList, id: Uuid) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    let name = validate_text("name", &cmd.name, 200)?;
    let known = match cmd.bound_to.kind {
        AddresseeKind::Class => structure.classes.contains_key(&cmd.bound_to.id),
        AddresseeKind::Group => structure.groups.contains_key(&cmd.bound_to.id),
        AddresseeKind::User => return Err(DomainError::field("bound_to.kind", "a list is bound to a class or a group")),
    };
    if !known {
        return Err(DomainError::field("bound_to.id", "no such class or group in this structure"));
    }
    Ok(vec![Event::MailingListCreated(MailingListCreated { list_id: id, structure: structure.uai.clone(), name, bound_to: cmd.bound_to })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messagerie::commands::Addressee;
    use crate::notes::fixtures::fixture;

    #[test]
    fn a_list_is_bound_to_a_class_or_group_of_the_structure() {
        let f = fixture();
        let cmd = |kind, id| CreateMailingList {
            list_id: None,
            structure: f.structure.uai.clone(),
            name: "Parents de 6A".into(),
            bound_to: Addressee { kind, id },
        };
        assert!(create_mailing_list(&f.structure, &cmd(AddresseeKind::Class, f.class), Uuid::new_v4()).is_ok());
        assert!(create_mailing_list(&f.structure, &cmd(AddresseeKind::Group, f.group), Uuid::new_v4()).is_ok());
        assert!(create_mailing_list(&f.structure, &cmd(AddresseeKind::User, f.pupil.user_id), Uuid::new_v4()).is_err());
        assert!(create_mailing_list(&f.structure, &cmd(AddresseeKind::Class, Uuid::new_v4()), Uuid::new_v4()).is_err());
    }
}

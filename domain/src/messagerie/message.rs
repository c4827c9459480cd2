//! The message aggregate (one stream per message, one `MessageSent`) and the rule of sending:
//! every recipient checked against the sender's communication rules, all or nothing.

use uuid::Uuid;

use super::commands::{Addressee, SendMessage};
use super::events::MessageSent;
use super::sanitize::sanitize_body;
use crate::communication::{CommunicationRules, may_write};
use crate::directory::{StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, RefusedRecipient, StreamId};

/// Longest subject accepted.
pub const MAX_SUBJECT: usize = 200;
/// Longest body accepted (before sanitising).
pub const MAX_BODY: usize = 100_000;
/// Most people one message reaches.
pub const MAX_RECIPIENTS: usize = 5_000;

/// State of one message.
#[derive(Debug, Clone, Default)]
pub struct MessageState {
    pub sent: Option<MessageSent>,
}

impl MessageState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }

    /// Whether `user` sent or received this message.
    pub fn involves(&self, user: Uuid) -> bool {
        self.sent.as_ref().is_some_and(|m| m.from == user || m.to.contains(&user) || m.cc.contains(&user))
    }
}

impl Aggregate for MessageState {
    const TYPE: &'static str = "message";

    fn apply(&mut self, event: &Event) {
        if let Event::MessageSent(e) = event {
            self.sent = Some(e.clone());
        }
    }
}

/// Who sends, in which structure, under which rules: what [`check_recipients`] needs.
pub struct Sender<'a> {
    pub structure: &'a StructureState,
    pub rules: &'a CommunicationRules,
    pub user: &'a UserState,
    /// The sender's children, when the sender is a parent.
    pub children: &'a [UserState],
}

/// Checks every recipient against the sender's communication rules; on refusal, names every
/// refused recipient (all or nothing). A recipient that is not a person of the structure (an
/// unknown id) is refused without a name.
pub fn check_recipients(sender: &Sender<'_>, recipients: &[UserState]) -> Result<(), DomainError> {
    let refused: Vec<RefusedRecipient> = recipients
        .iter()
        .filter_map(|r| {
            may_write(sender.structure, sender.rules, sender.user, sender.children, r).err().map(|why| RefusedRecipient {
                id: r.user_id,
                name: (r.exists() && r.structure == sender.structure.uai).then(|| r.display_name()),
                reason: why.as_str().to_string(),
            })
        })
        .collect();
    if refused.is_empty() { Ok(()) } else { Err(DomainError::RecipientsRefused(refused)) }
}

/// The one place attachments are decided: they are files of the workspace (`espace`), which is
/// not available yet, so a message with attachments is refused rather than sent without them.
pub fn refuse_attachments(attachments: &[Uuid]) -> Result<(), DomainError> {
    if attachments.is_empty() {
        Ok(())
    } else {
        Err(DomainError::field("attachments", "workspace files are not available yet: send the message without attachments"))
    }
}

/// Subject and body of a message: a subject, a body of bounded length, sanitised.
pub fn check_content(subject: &str, body: &str) -> Result<(String, String), DomainError> {
    let subject = validate_text("subject", subject, MAX_SUBJECT)?;
    if body.chars().count() > MAX_BODY {
        return Err(DomainError::field("body", format!("at most {MAX_BODY} characters")));
    }
    Ok((subject, sanitize_body(body)))
}

fn ids(users: &[UserState]) -> Vec<Uuid> {
    let mut seen = std::collections::HashSet::new();
    users.iter().map(|u| u.user_id).filter(|id| seen.insert(*id)).collect()
}

/// `SendMessage` (and a post to a list): `to` and `cc` are the expanded recipients; at least one
/// in `to`, every one allowed by the rules, no attachments yet; an answer belongs to the thread
/// of a message the sender sent or received. One event whatever the fan-out.
pub fn send_message(
    sender: &Sender<'_>,
    cmd: &SendMessage,
    id: Uuid,
    to: &[UserState],
    cc: &[UserState],
    parent: Option<&MessageState>,
    list: Option<Uuid>,
) -> Result<Vec<Event>, DomainError> {
    refuse_attachments(&cmd.attachments)?;
    let (subject, body) = check_content(&cmd.subject, &cmd.body)?;
    let to_ids = ids(to);
    if to_ids.is_empty() {
        return Err(DomainError::field("to", "at least one recipient"));
    }
    let cc_ids: Vec<Uuid> = ids(cc).into_iter().filter(|c| !to_ids.contains(c)).collect();
    if to_ids.len() + cc_ids.len() > MAX_RECIPIENTS {
        return Err(DomainError::field("to", format!("at most {MAX_RECIPIENTS} recipients")));
    }
    let mut everyone: Vec<UserState> = to.to_vec();
    everyone.extend(cc.iter().cloned());
    check_recipients(sender, &everyone)?;
    let thread = match (cmd.reply_to, parent) {
        (None, _) => id,
        (Some(_), Some(p)) if p.involves(sender.user.user_id) => p.sent.as_ref().map_or(id, |m| m.thread),
        (Some(_), _) => return Err(DomainError::NotFound("reply_to".into())),
    };
    Ok(vec![Event::MessageSent(MessageSent {
        message_id: id,
        structure: sender.structure.uai.clone(),
        from: sender.user.user_id,
        addressed_to: cmd.to.clone(),
        addressed_cc: cmd.cc.clone(),
        to: to_ids,
        cc: cc_ids,
        subject,
        body,
        reply_to: cmd.reply_to,
        thread,
        list,
    })])
}

/// The people an address names, among `people` (the structure's users): the user itself, the
/// members of a group, the pupils of a class — deactivated accounts left out of classes and
/// groups, the sender left out of the classes and groups they belong to. An unknown user id is
/// kept (as an empty state with that id) so that the rules refuse it by name; an unknown class
/// or group is a 422 naming `field`.
pub fn expand(
    structure: &StructureState,
    people: &[UserState],
    sender: Uuid,
    field: &str,
    addresses: &[Addressee],
) -> Result<Vec<UserState>, DomainError> {
    use super::commands::AddresseeKind;
    use crate::directory::Profile;
    let by_id: std::collections::HashMap<Uuid, &UserState> = people.iter().map(|u| (u.user_id, u)).collect();
    let mut out = Vec::new();
    for (i, a) in addresses.iter().enumerate() {
        match a.kind {
            AddresseeKind::User => {
                out.push(by_id.get(&a.id).map_or_else(|| UserState { user_id: a.id, ..Default::default() }, |u| (*u).clone()))
            }
            AddresseeKind::Group => {
                let g = structure.groups.get(&a.id).ok_or_else(|| DomainError::field(format!("{field}[{i}].id"), "no such group"))?;
                out.extend(
                    g.members.iter().filter(|m| **m != sender).filter_map(|m| by_id.get(m)).filter(|u| u.active).map(|u| (*u).clone()),
                );
            }
            AddresseeKind::Class => {
                if !structure.classes.contains_key(&a.id) {
                    return Err(DomainError::field(format!("{field}[{i}].id"), "no such class"));
                }
                out.extend(
                    people
                        .iter()
                        .filter(|u| {
                            u.active && u.user_id != sender && u.profile == Some(Profile::Eleve) && u.class.map(|(c, _)| c) == Some(a.id)
                        })
                        .cloned(),
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::communication::CommunicationRules;
    use crate::directory::Profile;
    use crate::messagerie::commands::AddresseeKind;
    use crate::notes::fixtures::fixture;

    fn person(uai: &str, profile: Profile, first: &str) -> UserState {
        UserState {
            user_id: Uuid::new_v4(),
            structure: uai.into(),
            profile: Some(profile),
            active: true,
            first_name: first.into(),
            last_name: "Durand".into(),
            ..Default::default()
        }
    }

    fn cmd(to: Vec<Addressee>, body: &str) -> SendMessage {
        SendMessage {
            message_id: None,
            to,
            cc: vec![],
            subject: "Sortie".into(),
            body: body.into(),
            attachments: vec![],
            reply_to: None,
            draft: None,
        }
    }

    #[test]
    fn a_parent_writing_to_another_parent_is_refused_by_name_and_nothing_is_sent() {
        let f = fixture();
        let rules = CommunicationRules::default();
        let mut parent = person(&f.structure.uai, Profile::Parent, "Anne");
        parent.children.insert(f.pupil.user_id);
        let other = person(&f.structure.uai, Profile::Parent, "Marc");
        let mut cpe = person(&f.structure.uai, Profile::Personnel, "Paul");
        cpe.role = Some(crate::directory::Role::Cpe);
        let sender = Sender { structure: &f.structure, rules: &rules, user: &parent, children: std::slice::from_ref(&f.pupil) };
        let c = cmd(vec![Addressee { kind: AddresseeKind::User, id: other.user_id }], "x");
        let err = send_message(&sender, &c, Uuid::new_v4(), &[cpe.clone(), other.clone()], &[], None, None).unwrap_err();
        match err {
            DomainError::RecipientsRefused(r) => {
                assert_eq!(r.len(), 1);
                assert_eq!((r[0].id, r[0].name.as_deref()), (other.user_id, Some("Marc Durand")));
            }
            e => panic!("{e:?}"),
        }
        assert!(send_message(&sender, &c, Uuid::new_v4(), &[cpe], &[], None, None).is_ok());
    }

    #[test]
    fn a_class_is_expanded_into_its_pupils_and_frozen_in_one_event() {
        let f = fixture();
        let rules = CommunicationRules::default();
        let teacher = person(&f.structure.uai, Profile::Enseignant, "Sophie");
        let mut people: Vec<UserState> = (0..30)
            .map(|i| {
                let mut p = person(&f.structure.uai, Profile::Eleve, &format!("P{i}"));
                p.class = Some((f.class, crate::notes::fixtures::d("2026-09-01")));
                p
            })
            .collect();
        people.push(f.pupil.clone());
        people.push(teacher.clone());
        let to = [Addressee { kind: AddresseeKind::Class, id: f.class }];
        let expanded = expand(&f.structure, &people, teacher.user_id, "to", &to).unwrap();
        assert_eq!(expanded.len(), 31);
        let sender = Sender { structure: &f.structure, rules: &rules, user: &teacher, children: &[] };
        let events = send_message(&sender, &cmd(to.to_vec(), "<p>Bonjour</p>"), Uuid::new_v4(), &expanded, &[], None, None).unwrap();
        assert_eq!(events.len(), 1);
        assert!(matches!(&events[0], Event::MessageSent(m) if m.to.len() == 31));
        let bad = [Addressee { kind: AddresseeKind::Class, id: Uuid::new_v4() }];
        assert!(
            matches!(expand(&f.structure, &people, teacher.user_id, "to", &bad), Err(DomainError::InvalidField { field, .. }) if field == "to[0].id")
        );
    }

    #[test]
    fn the_stored_body_is_sanitised() {
        let f = fixture();
        let rules = CommunicationRules::default();
        let teacher = person(&f.structure.uai, Profile::Enseignant, "Sophie");
        let sender = Sender { structure: &f.structure, rules: &rules, user: &teacher, children: &[] };
        let body = r#"<p onclick="x()">Bonjour</p><script>steal()</script><img src="https://e.org/i.png" onerror="alert(1)"><a href="javascript:alert(1)">ici</a>"#;
        let events = send_message(&sender, &cmd(vec![], body), Uuid::new_v4(), std::slice::from_ref(&f.pupil), &[], None, None).unwrap();
        let Event::MessageSent(m) = &events[0] else { panic!() };
        for gone in ["<script", "steal", "onerror", "onclick", "javascript:"] {
            assert!(!m.body.contains(gone), "{gone} in {}", m.body);
        }
    }

    #[test]
    fn attachments_are_refused_until_the_workspace_exists() {
        let f = fixture();
        let rules = CommunicationRules::default();
        let teacher = person(&f.structure.uai, Profile::Enseignant, "Sophie");
        let sender = Sender { structure: &f.structure, rules: &rules, user: &teacher, children: &[] };
        let mut c = cmd(vec![], "x");
        c.attachments = vec![Uuid::new_v4()];
        let err = send_message(&sender, &c, Uuid::new_v4(), std::slice::from_ref(&f.pupil), &[], None, None).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "attachments"));
    }

    #[test]
    fn an_answer_joins_the_thread_of_a_message_its_sender_received() {
        let f = fixture();
        let rules = CommunicationRules::default();
        let teacher = person(&f.structure.uai, Profile::Enseignant, "Sophie");
        let sender = Sender { structure: &f.structure, rules: &rules, user: &teacher, children: &[] };
        let first = Uuid::new_v4();
        let events = send_message(&sender, &cmd(vec![], "x"), first, std::slice::from_ref(&f.pupil), &[], None, None).unwrap();
        let parent = MessageState::from_history(&events);
        let mut answer = cmd(vec![], "y");
        answer.reply_to = Some(first);
        let mut cpe = person(&f.structure.uai, Profile::Personnel, "Paul");
        cpe.role = Some(crate::directory::Role::Cpe);
        let as_pupil = Sender { structure: &f.structure, rules: &rules, user: &f.pupil, children: &[] };
        let events = send_message(&as_pupil, &answer, Uuid::new_v4(), std::slice::from_ref(&cpe), &[], Some(&parent), None).unwrap();
        assert!(matches!(&events[0], Event::MessageSent(m) if m.thread == first));
        let outsider = Sender { structure: &f.structure, rules: &rules, user: &cpe, children: &[] };
        assert!(matches!(
            send_message(&outsider, &answer, Uuid::new_v4(), std::slice::from_ref(&f.pupil), &[], Some(&parent), None),
            Err(DomainError::NotFound(_))
        ));
    }
}

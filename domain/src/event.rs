//! The catalogue of domain events: one enum, one variant per past-tense event type.
//!
//! Events are the public contract. A published event type never changes: a new shape gets a new
//! `schema_version` and an upcaster in [`upcast`] that turns the old payload into the new one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cahier_de_textes::events::*;
use crate::cas::events::*;
use crate::competences::events::*;
use crate::directory::events::*;
use crate::notes::events::*;
use crate::usage::events::*;
use crate::vie_scolaire::events::*;
// Espace de travail.
use crate::espace::events::*;
// Forums, blogs, news.
use crate::actualites::events::*;
use crate::blogs::events::*;
use crate::forums::events::*;
// agenda
use crate::agenda::events::*;
// Réservations (and the structure's closed days, a directory event they need).
use crate::directory::calendar::{ClosedDaysDeclared, ClosedDaysWithdrawn};
use crate::reservations::events::*;
// ressources
use crate::ressources::events::*;
// Communication rules and messagerie.
use crate::communication::events::*;
use crate::messagerie::events::*;
// Chat and visio.
use crate::chat::events::*;
use crate::visio::events::*;

/// Every event the domain can emit. Serialized as `{"type": "...", "payload": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "payload")]
pub enum Event {
    StructureCreated(StructureCreated),
    ClassCreated(ClassCreated),
    GroupCreated(GroupCreated),
    SubjectCreated(SubjectCreated),
    PeriodsDefined(PeriodsDefined),
    UserCreated(UserCreated),
    LoginReserved(LoginReserved),
    PasswordSet(PasswordSet),
    PupilEnrolled(PupilEnrolled),
    ParentLinked(ParentLinked),
    TeacherAssigned(TeacherAssigned),
    AdminGranted(AdminGranted),
    InspectorAppointed(InspectorAppointed),
    UserDeactivated(UserDeactivated),
    LoginFailed(LoginFailed),
    AccountLocked(AccountLocked),
    AccountUnlocked(AccountUnlocked),
    LoginSucceeded(LoginSucceeded),
    SessionRevoked(SessionRevoked),
    SessionsRevoked(SessionsRevoked),
    CasServiceRegistered(CasServiceRegistered),
    CasServiceUnregistered(CasServiceUnregistered),
    CasTicketValidated(CasTicketValidated),
    UserImported(UserImported),
    UserReactivated(UserReactivated),
    ContactDetailsSet(ContactDetailsSet),
    ActivationCodeIssued(ActivationCodeIssued),
    AccountActivated(AccountActivated),
    DirectoryImported(DirectoryImported),
    LessonScheduled(LessonScheduled),
    RollCallTaken(RollCallTaken),
    RollCallAmended(RollCallAmended),
    AbsenceRecorded(AbsenceRecorded),
    AbsenceJustified(AbsenceJustified),
    JustificationAccepted(JustificationAccepted),
    JustificationRefused(JustificationRefused),
    PunishmentGiven(PunishmentGiven),
    SanctionPronounced(SanctionPronounced),
    SanctionErased(SanctionErased),
    HalfDayBoundarySet(HalfDayBoundarySet),
    NotificationsRead(NotificationsRead),
    UserLoggedIn(UserLoggedIn),
    UsageRecorded(UsageRecorded),
    EvaluationCreated(EvaluationCreated),
    GradeRecorded(GradeRecorded),
    GradeCorrected(GradeCorrected),
    SubjectAppreciationSet(SubjectAppreciationSet),
    CouncilAppreciationSet(CouncilAppreciationSet),
    SubjectCoefficientSet(SubjectCoefficientSet),
    BulletinsPublished(BulletinsPublished),
    BulletinRevised(BulletinRevised),
    LessonLogged(LessonLogged),
    LessonEdited(LessonEdited),
    HomeworkAssigned(HomeworkAssigned),
    HomeworkEdited(HomeworkEdited),
    HomeworkCancelled(HomeworkCancelled),
    CahierVisaed(CahierVisaed),
    CompetencyFrameworkDefined(CompetencyFrameworkDefined),
    CompetencyPositioned(CompetencyPositioned),
    CertificationItemValidated(CertificationItemValidated),
    EndOfCycleAssessmentSet(EndOfCycleAssessmentSet),
    // Espace de travail.
    FolderCreated(FolderCreated),
    FileUploaded(FileUploaded),
    FileRenamed(FileRenamed),
    FileMoved(FileMoved),
    FileDeleted(FileDeleted),
    FileRestored(FileRestored),
    FilePurged(FilePurged),
    FileShared(FileShared),
    ShareRevoked(ShareRevoked),
    // Forums.
    ForumCategoryCreated(ForumCategoryCreated),
    ForumTopicOpened(ForumTopicOpened),
    ForumPostAdded(ForumPostAdded),
    ForumPostEdited(ForumPostEdited),
    ForumPostHidden(ForumPostHidden),
    ForumTopicLocked(ForumTopicLocked),
    // Blogs.
    BlogCreated(BlogCreated),
    BlogPostDrafted(BlogPostDrafted),
    BlogPostEdited(BlogPostEdited),
    BlogPostSubmitted(BlogPostSubmitted),
    BlogPostPublished(BlogPostPublished),
    BlogPostReturned(BlogPostReturned),
    BlogCommentAdded(BlogCommentAdded),
    BlogCommentApproved(BlogCommentApproved),
    BlogCommentRejected(BlogCommentRejected),
    // News (actualités).
    NewsPublished(NewsPublished),
    NewsWithdrawn(NewsWithdrawn),
    // agenda
    SchoolEventCreated(SchoolEventCreated),
    SchoolEventUpdated(SchoolEventUpdated),
    SchoolEventCancelled(SchoolEventCancelled),
    CalendarFeedCreated(CalendarFeedCreated),
    CalendarFeedRevoked(CalendarFeedRevoked),
    // Réservations (and the structure's closed days).
    ClosedDaysDeclared(ClosedDaysDeclared),
    ClosedDaysWithdrawn(ClosedDaysWithdrawn),
    BookableResourceDefined(BookableResourceDefined),
    ResourceBooked(ResourceBooked),
    BookingApproved(BookingApproved),
    BookingRejected(BookingRejected),
    BookingCancelled(BookingCancelled),
    ResourceSlotsHeld(ResourceSlotsHeld),
    ResourceSlotsReleased(ResourceSlotsReleased),
    // ressources
    ResourcePublished(ResourcePublished),
    ResourceUnpublished(ResourceUnpublished),
    LearningPathCreated(LearningPathCreated),
    StepCompleted(StepCompleted),
    // Communication rules and messagerie.
    CommunicationRuleSet(CommunicationRuleSet),
    CommunicationRuleRemoved(CommunicationRuleRemoved),
    MessageSent(MessageSent),
    DraftSaved(DraftSaved),
    DraftDiscarded(DraftDiscarded),
    MessageRead(MessageRead),
    MessageUnread(MessageUnread),
    MessageMoved(MessageMoved),
    MailFolderCreated(MailFolderCreated),
    MessageDeleted(MessageDeleted),
    MessagesPurged(MessagesPurged),
    MailingListCreated(MailingListCreated),
    // Chat and visio.
    ChatRoomOpened(ChatRoomOpened),
    ChatMessagePosted(ChatMessagePosted),
    MeetingScheduled(MeetingScheduled),
    MeetingCancelled(MeetingCancelled),
}

/// Static facts about one event type, for the catalogue, the schemas and NATS subjects.
#[derive(Debug, Clone, Copy)]
pub struct EventTypeInfo {
    pub name: &'static str,
    pub service: &'static str,
    pub schema_version: u32,
}

macro_rules! event_types {
    ($($variant:ident => $service:literal, $version:literal;)*) => {
        /// The catalogue of event types with their service and current schema version.
        pub const EVENT_TYPES: &[EventTypeInfo] = &[
            $(EventTypeInfo { name: stringify!($variant), service: $service, schema_version: $version },)*
        ];

        impl Event {
            /// The event type name, as stored in the envelope.
            pub fn event_type(&self) -> &'static str {
                match self { $(Event::$variant(_) => stringify!($variant),)* }
            }

            /// Decodes a current-version payload of `event_type` (`None`: unknown type), straight
            /// from the JSON tree, without copying it.
            fn decode_payload(event_type: &str, payload: &serde_json::Value) -> Option<Result<Self, serde_json::Error>> {
                match event_type {
                    $(stringify!($variant) => Some(<$variant as serde::Deserialize>::deserialize(payload).map(Event::$variant)),)*
                    _ => None,
                }
            }

            /// The payload of this event as JSON.
            fn payload_json(&self) -> Result<serde_json::Value, serde_json::Error> {
                match self { $(Event::$variant(e) => serde_json::to_value(e),)* }
            }

            /// The JSON Schema of every event payload, by type name.
            pub fn payload_schemas() -> Vec<(&'static str, u32, schemars::Schema)> {
                vec![$((stringify!($variant), $version, schemars::schema_for!($variant)),)*]
            }

            /// Registers every payload type with `generator` (e.g. for OpenAPI components) and
            /// returns the reference schema of each, by type name.
            pub fn register_payload_schemas(generator: &mut schemars::SchemaGenerator) -> Vec<(&'static str, schemars::Schema)> {
                vec![$((stringify!($variant), generator.subschema_for::<$variant>()),)*]
            }
        }
    };
}

event_types! {
    StructureCreated => "directory", 1;
    ClassCreated => "directory", 1;
    GroupCreated => "directory", 1;
    SubjectCreated => "directory", 1;
    PeriodsDefined => "directory", 1;
    UserCreated => "directory", 1;
    LoginReserved => "directory", 1;
    PasswordSet => "directory", 1;
    PupilEnrolled => "directory", 1;
    ParentLinked => "directory", 1;
    TeacherAssigned => "directory", 1;
    AdminGranted => "directory", 1;
    InspectorAppointed => "directory", 1;
    UserDeactivated => "directory", 1;
    LoginFailed => "directory", 1;
    AccountLocked => "directory", 1;
    AccountUnlocked => "directory", 1;
    LoginSucceeded => "directory", 1;
    SessionRevoked => "directory", 1;
    SessionsRevoked => "directory", 1;
    CasServiceRegistered => "directory", 1;
    CasServiceUnregistered => "directory", 1;
    CasTicketValidated => "directory", 1;
    UserImported => "directory", 1;
    UserReactivated => "directory", 1;
    ContactDetailsSet => "directory", 1;
    ActivationCodeIssued => "directory", 1;
    AccountActivated => "directory", 1;
    DirectoryImported => "directory", 1;
    LessonScheduled => "vie_scolaire", 1;
    RollCallTaken => "vie_scolaire", 1;
    RollCallAmended => "vie_scolaire", 1;
    AbsenceRecorded => "vie_scolaire", 1;
    AbsenceJustified => "vie_scolaire", 1;
    JustificationAccepted => "vie_scolaire", 1;
    JustificationRefused => "vie_scolaire", 1;
    PunishmentGiven => "vie_scolaire", 1;
    SanctionPronounced => "vie_scolaire", 1;
    SanctionErased => "vie_scolaire", 1;
    HalfDayBoundarySet => "vie_scolaire", 1;
    NotificationsRead => "vie_scolaire", 1;
    UserLoggedIn => "indicators", 1;
    UsageRecorded => "indicators", 1;
    EvaluationCreated => "notes", 1;
    GradeRecorded => "notes", 1;
    GradeCorrected => "notes", 1;
    SubjectAppreciationSet => "notes", 1;
    CouncilAppreciationSet => "notes", 1;
    SubjectCoefficientSet => "notes", 1;
    BulletinsPublished => "notes", 1;
    BulletinRevised => "notes", 1;
    LessonLogged => "cahier_de_textes", 1;
    LessonEdited => "cahier_de_textes", 1;
    HomeworkAssigned => "cahier_de_textes", 1;
    HomeworkEdited => "cahier_de_textes", 1;
    HomeworkCancelled => "cahier_de_textes", 1;
    CahierVisaed => "cahier_de_textes", 1;
    CompetencyFrameworkDefined => "competences", 1;
    CompetencyPositioned => "competences", 1;
    CertificationItemValidated => "competences", 1;
    EndOfCycleAssessmentSet => "competences", 1;
    // Espace de travail.
    FolderCreated => "espace", 1;
    FileUploaded => "espace", 1;
    FileRenamed => "espace", 1;
    FileMoved => "espace", 1;
    FileDeleted => "espace", 1;
    FileRestored => "espace", 1;
    FilePurged => "espace", 1;
    FileShared => "espace", 1;
    ShareRevoked => "espace", 1;
    // Forums.
    ForumCategoryCreated => "forums", 1;
    ForumTopicOpened => "forums", 1;
    ForumPostAdded => "forums", 1;
    ForumPostEdited => "forums", 1;
    ForumPostHidden => "forums", 1;
    ForumTopicLocked => "forums", 1;
    // Blogs.
    BlogCreated => "blogs", 1;
    BlogPostDrafted => "blogs", 1;
    BlogPostEdited => "blogs", 1;
    BlogPostSubmitted => "blogs", 1;
    BlogPostPublished => "blogs", 1;
    BlogPostReturned => "blogs", 1;
    BlogCommentAdded => "blogs", 1;
    BlogCommentApproved => "blogs", 1;
    BlogCommentRejected => "blogs", 1;
    // News (actualités).
    NewsPublished => "actualites", 1;
    NewsWithdrawn => "actualites", 1;
    // agenda
    SchoolEventCreated => "agenda", 1;
    SchoolEventUpdated => "agenda", 1;
    SchoolEventCancelled => "agenda", 1;
    CalendarFeedCreated => "agenda", 1;
    CalendarFeedRevoked => "agenda", 1;
    // Réservations (the closed days belong to the directory).
    ClosedDaysDeclared => "directory", 1;
    ClosedDaysWithdrawn => "directory", 1;
    BookableResourceDefined => "reservations", 1;
    ResourceBooked => "reservations", 1;
    BookingApproved => "reservations", 1;
    BookingRejected => "reservations", 1;
    BookingCancelled => "reservations", 1;
    ResourceSlotsHeld => "reservations", 1;
    ResourceSlotsReleased => "reservations", 1;
    // ressources
    ResourcePublished => "ressources", 1;
    ResourceUnpublished => "ressources", 1;
    LearningPathCreated => "ressources", 1;
    StepCompleted => "ressources", 1;
    // Communication rules and messagerie.
    CommunicationRuleSet => "communication", 1;
    CommunicationRuleRemoved => "communication", 1;
    MessageSent => "messagerie", 1;
    DraftSaved => "messagerie", 1;
    DraftDiscarded => "messagerie", 1;
    MessageRead => "messagerie", 1;
    MessageUnread => "messagerie", 1;
    MessageMoved => "messagerie", 1;
    MailFolderCreated => "messagerie", 1;
    MessageDeleted => "messagerie", 1;
    MessagesPurged => "messagerie", 1;
    MailingListCreated => "messagerie", 1;
    // Chat and visio.
    ChatRoomOpened => "chat", 1;
    ChatMessagePosted => "chat", 1;
    MeetingScheduled => "visio", 1;
    MeetingCancelled => "visio", 1;
}

/// Why a stored event could not be turned back into a domain [`Event`].
#[derive(Debug, thiserror::Error)]
pub enum EventDecodeError {
    #[error("unknown event type {0}")]
    UnknownType(String),
    #[error("event {event_type} has schema version {found}, newer than this code knows ({known})")]
    FutureVersion { event_type: String, found: u32, known: u32 },
    #[error("event {event_type} v{version} has an invalid payload: {source}")]
    Payload { event_type: String, version: u32, source: serde_json::Error },
}

impl Event {
    /// Static information about this event's type.
    pub fn info(&self) -> EventTypeInfo {
        type_info(self.event_type()).unwrap_or(EventTypeInfo { name: "?", service: "?", schema_version: 1 })
    }

    /// The service (bounded context) an event type belongs to.
    pub fn service_of(event_type: &str) -> Option<&'static str> {
        type_info(event_type).map(|t| t.service)
    }

    /// Splits the event into its type name, schema version and JSON payload. A payload that
    /// cannot be serialised is an error, never a placeholder.
    pub fn to_parts(&self) -> Result<(&'static str, u32, serde_json::Value), serde_json::Error> {
        let info = self.info();
        let payload = self.payload_json()?;
        Ok((info.name, info.schema_version, payload))
    }

    /// Rebuilds an event from its stored parts, upcasting older schema versions on the way.
    pub fn from_parts(event_type: &str, schema_version: u32, payload: &serde_json::Value) -> Result<Self, EventDecodeError> {
        let info = type_info(event_type).ok_or_else(|| EventDecodeError::UnknownType(event_type.to_string()))?;
        if schema_version > info.schema_version {
            return Err(EventDecodeError::FutureVersion {
                event_type: event_type.to_string(),
                found: schema_version,
                known: info.schema_version,
            });
        }
        let decoded = if schema_version < info.schema_version {
            let current = upcast(event_type, schema_version, payload.clone());
            Self::decode_payload(event_type, &current)
        } else {
            Self::decode_payload(event_type, payload)
        };
        decoded.ok_or_else(|| EventDecodeError::UnknownType(event_type.to_string()))?.map_err(|source| EventDecodeError::Payload {
            event_type: event_type.to_string(),
            version: schema_version,
            source,
        })
    }
}

fn type_info(event_type: &str) -> Option<EventTypeInfo> {
    EVENT_TYPES.iter().copied().find(|t| t.name == event_type)
}

/// Turns a payload of an old schema version into the current one. Each published change of an
/// event's shape adds one arm here; version 1 of every type is current, so nothing changes yet.
pub fn upcast(event_type: &str, schema_version: u32, payload: serde_json::Value) -> serde_json::Value {
    // When e.g. `UserCreated` v2 is published, add: `("UserCreated", 1) => upcast_user_created_v1(payload)`.
    let _ = (event_type, schema_version);
    payload
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_is_in_the_catalogue_once() {
        let mut names: Vec<_> = EVENT_TYPES.iter().map(|t| t.name).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
        assert_eq!(Event::payload_schemas().len(), count);
    }

    #[test]
    fn event_from_a_newer_schema_version_is_refused_not_misread() {
        let err = Event::from_parts("PasswordSet", 99, &serde_json::json!({})).unwrap_err();
        assert!(matches!(err, EventDecodeError::FutureVersion { found: 99, .. }));
    }

    #[test]
    fn unknown_event_type_is_refused() {
        assert!(matches!(Event::from_parts("NoSuchThing", 1, &serde_json::json!({})), Err(EventDecodeError::UnknownType(_))));
    }
}

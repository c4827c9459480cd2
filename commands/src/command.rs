//! The catalogue of commands: one variant per imperative command type, each with its handler.

use ent_domain::cahier_de_textes::commands::*;
use ent_domain::cas::commands::*;
use ent_domain::competences::commands::*;
use ent_domain::directory::commands::*;
use ent_domain::notes::commands::*;
use ent_domain::vie_scolaire::commands::*;
// Espace de travail.
use ent_domain::espace::commands::*;
// Forums, blogs, news.
use ent_domain::actualites::commands::*;
use ent_domain::blogs::commands::*;
use ent_domain::forums::commands::*;
// agenda
use ent_domain::agenda::commands::*;
// Réservations (and the structure's closed days).
use ent_domain::directory::calendar::{DeclareClosedDays, WithdrawClosedDays};
use ent_domain::reservations::commands::*;
// ressources
use ent_domain::ressources::commands::*;
// Communication rules and messagerie.
use ent_domain::communication::commands::*;
use ent_domain::messagerie::commands::*;
// Chat and visio.
use ent_domain::chat::commands::*;
use ent_domain::visio::commands::*;
use serde_json::Value;

use crate::context::{CommandContext, Plan};
use crate::error::{CommandError, FieldError};

macro_rules! commands {
    ($($variant:ident => $handler:path;)*) => {
        /// Every command the API accepts; the payload types live in `ent_domain`.
        #[derive(Debug, Clone)]
        pub enum Command {
            $($variant($variant),)*
        }

        /// The names of every command type, as used in `"type"`.
        pub const COMMAND_TYPES: &[&str] = &[$(stringify!($variant),)*];

        impl Command {
            /// The command type name.
            pub fn command_type(&self) -> &'static str {
                match self { $(Command::$variant(_) => stringify!($variant),)* }
            }

            /// The payload as JSON (the typed fields, as decoded).
            pub fn payload_json(&self) -> Result<Value, serde_json::Error> {
                match self { $(Command::$variant(c) => serde_json::to_value(c),)* }
            }

            /// Decodes a payload of the given type, naming the offending field on failure.
            pub fn parse(command_type: &str, payload: Value) -> Result<Command, CommandError> {
                match command_type {
                    $(stringify!($variant) => serde_path_to_error::deserialize(payload)
                        .map(Command::$variant)
                        .map_err(payload_error),)*
                    other => Err(CommandError::malformed("type", format!("unknown command type {other:?}"))),
                }
            }

            /// The JSON Schema of every command payload, by type name.
            pub fn payload_schemas() -> Vec<(&'static str, schemars::Schema)> {
                vec![$((stringify!($variant), schemars::schema_for!($variant)),)*]
            }

            /// Registers every payload type with `generator` and returns their reference schemas.
            pub fn register_payload_schemas(generator: &mut schemars::SchemaGenerator) -> Vec<(&'static str, schemars::Schema)> {
                vec![$((stringify!($variant), generator.subschema_for::<$variant>()),)*]
            }

            /// Loads, authorizes and decides: what this command would append now.
            pub(crate) async fn plan(&self, ctx: &CommandContext<'_>) -> Result<Plan, CommandError> {
                match self { $(Command::$variant(c) => $handler(ctx, c).await,)* }
            }
        }
    };
}

commands! {
    CreateStructure => crate::directory::create_structure;
    CreateClass => crate::directory::create_class;
    CreateGroup => crate::directory::create_group;
    CreateSubject => crate::directory::create_subject;
    DefinePeriods => crate::directory::define_periods;
    CreateUser => crate::directory::create_user;
    CreateRectoratUser => crate::directory::create_rectorat_user;
    AppointInspector => crate::directory::appoint_inspector;
    EnrolPupil => crate::directory::enrol_pupil;
    LinkParent => crate::directory::link_parent;
    AssignTeacher => crate::directory::assign_teacher;
    GrantAdmin => crate::directory::grant_admin;
    DeactivateUser => crate::directory::deactivate_user;
    ChangePassword => crate::directory::change_password;
    UnlockAccount => crate::directory::unlock_account;
    RevokeSessions => crate::directory::revoke_sessions;
    RegisterCasService => crate::cas::register_cas_service;
    UnregisterCasService => crate::cas::unregister_cas_service;
    ImportDirectory => crate::directory::import_directory;
    IssueActivationCode => crate::directory::issue_activation_code;
    IssueClassActivationCodes => crate::directory::issue_class_activation_codes;
    SetHalfDayBoundary => crate::vie_scolaire::set_half_day_boundary;
    ScheduleLesson => crate::vie_scolaire::schedule_lesson;
    ImportTimetable => crate::vie_scolaire::import_timetable;
    TakeRollCall => crate::vie_scolaire::take_roll_call;
    AmendRollCall => crate::vie_scolaire::amend_roll_call;
    JustifyAbsence => crate::vie_scolaire::justify_absence;
    AcceptJustification => crate::vie_scolaire::accept_justification;
    RefuseJustification => crate::vie_scolaire::refuse_justification;
    RecordAbsence => crate::vie_scolaire::record_absence;
    GivePunishment => crate::vie_scolaire::give_punishment;
    PronounceSanction => crate::vie_scolaire::pronounce_sanction;
    EraseSanction => crate::vie_scolaire::erase_sanction;
    MarkNotificationsRead => crate::vie_scolaire::mark_notifications_read;
    CreateEvaluation => crate::notes::create_evaluation;
    RecordGrade => crate::notes::record_grade;
    RecordGrades => crate::notes::record_grades;
    CorrectGrade => crate::notes::correct_grade;
    SetSubjectAppreciation => crate::notes::set_subject_appreciation;
    SetCouncilAppreciation => crate::notes::set_council_appreciation;
    SetSubjectCoefficient => crate::notes::set_subject_coefficient;
    PublishBulletins => crate::notes::publish_bulletins;
    LogLesson => crate::cahier_de_textes::log_lesson;
    EditLesson => crate::cahier_de_textes::edit_lesson;
    AssignHomework => crate::cahier_de_textes::assign_homework;
    EditHomework => crate::cahier_de_textes::edit_homework;
    CancelHomework => crate::cahier_de_textes::cancel_homework;
    VisaCahier => crate::cahier_de_textes::visa_cahier;
    DefineCompetencyFramework => crate::competences::define_competency_framework;
    PositionCompetency => crate::competences::position_competency;
    ValidateCertificationItem => crate::competences::validate_certification_item;
    SetEndOfCycleAssessment => crate::competences::set_end_of_cycle_assessment;
    // Espace de travail (uploads: `espace::upload`, through the upload routes).
    CreateFolder => crate::espace::create_folder;
    RenameFile => crate::espace::rename_file;
    MoveFile => crate::espace::move_file;
    DeleteFile => crate::espace::delete_file;
    RestoreFile => crate::espace::restore_file;
    PurgeFile => crate::espace::purge_file;
    ShareFile => crate::espace::share_file;
    RevokeShare => crate::espace::revoke_share;
    // Forums.
    CreateForumCategory => crate::forums::create_forum_category;
    OpenTopic => crate::forums::open_topic;
    ReplyToTopic => crate::forums::reply_to_topic;
    EditPost => crate::forums::edit_post;
    HidePost => crate::forums::hide_post;
    LockTopic => crate::forums::lock_topic;
    // Blogs.
    CreateBlog => crate::blogs::create_blog;
    WriteBlogPost => crate::blogs::write_blog_post;
    EditBlogPost => crate::blogs::edit_blog_post;
    SubmitBlogPost => crate::blogs::submit_blog_post;
    PublishBlogPost => crate::blogs::publish_blog_post;
    ReturnBlogPost => crate::blogs::return_blog_post;
    CommentBlogPost => crate::blogs::comment_blog_post;
    ApproveBlogComment => crate::blogs::approve_blog_comment;
    RejectBlogComment => crate::blogs::reject_blog_comment;
    // News (actualités).
    PublishNews => crate::actualites::publish_news;
    WithdrawNews => crate::actualites::withdraw_news;
    // agenda
    CreateSchoolEvent => crate::agenda::create_school_event;
    UpdateSchoolEvent => crate::agenda::update_school_event;
    CancelSchoolEvent => crate::agenda::cancel_school_event;
    CreateCalendarFeed => crate::agenda::create_calendar_feed;
    RevokeCalendarFeed => crate::agenda::revoke_calendar_feed;
    // Réservations (and the structure's closed days).
    DeclareClosedDays => crate::directory::declare_closed_days;
    WithdrawClosedDays => crate::directory::withdraw_closed_days;
    DefineBookableResource => crate::reservations::define_bookable_resource;
    BookResource => crate::reservations::book_resource;
    ApproveBooking => crate::reservations::approve_booking;
    RejectBooking => crate::reservations::reject_booking;
    CancelBooking => crate::reservations::cancel_booking;
    // ressources
    PublishResource => crate::ressources::publish_resource;
    UnpublishResource => crate::ressources::unpublish_resource;
    CreateLearningPath => crate::ressources::create_learning_path;
    CompleteStep => crate::ressources::complete_step;
    // Communication rules and messagerie.
    SetCommunicationRule => crate::communication::set_communication_rule;
    RemoveCommunicationRule => crate::communication::remove_communication_rule;
    SendMessage => crate::messagerie::send_message;
    SaveDraft => crate::messagerie::save_draft;
    DiscardDraft => crate::messagerie::discard_draft;
    MarkRead => crate::messagerie::mark_read;
    MarkUnread => crate::messagerie::mark_unread;
    MoveToFolder => crate::messagerie::move_to_folder;
    CreateMailFolder => crate::messagerie::create_mail_folder;
    DeleteMessage => crate::messagerie::delete_message;
    PurgeTrash => crate::messagerie::purge_trash;
    CreateMailingList => crate::messagerie::create_mailing_list;
    PostToList => crate::messagerie::post_to_list;
    // Chat and visio.
    OpenChatRoom => crate::chat::open_chat_room;
    PostChatMessage => crate::chat::post_chat_message;
    ScheduleMeeting => crate::visio::schedule_meeting;
    CancelMeeting => crate::visio::cancel_meeting;
}

fn payload_error(e: serde_path_to_error::Error<serde_json::Error>) -> CommandError {
    let path = e.path().to_string();
    let field = if path == "." { "payload".to_string() } else { format!("payload.{path}") };
    let message = e.into_inner().to_string();
    // serde reports a missing field at the parent path; name the field itself.
    let field = match message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        Some(missing) if field == "payload" => format!("payload.{missing}"),
        Some(missing) => format!("{field}.{missing}"),
        None => field,
    };
    CommandError::Malformed(vec![FieldError { field, message }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(err: CommandError) -> String {
        match err {
            CommandError::Malformed(errors) => errors[0].field.clone(),
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn wrong_field_type_names_the_field() {
        let err = Command::parse("CreateClass", json!({"structure": "0751234A", "code": 12, "level": "6e"})).unwrap_err();
        assert_eq!(field_of(err), "payload.code");
    }

    #[test]
    fn missing_field_names_the_field() {
        let err = Command::parse("CreateClass", json!({"structure": "0751234A", "level": "6e"})).unwrap_err();
        assert_eq!(field_of(err), "payload.code");
    }

    #[test]
    fn unknown_command_type_names_type() {
        assert_eq!(field_of(Command::parse("DropDatabase", json!({})).unwrap_err()), "type");
    }

    #[test]
    fn unknown_field_is_refused() {
        let err = Command::parse("CreateSubject", json!({"structure": "x", "code": "M", "name": "Maths", "colour": 1}));
        assert!(matches!(err, Err(CommandError::Malformed(_))));
    }
}

//! The actions indicators count, read from the services' own events: one table, event type →
//! (service, action kind). Keyed by type name so that services still to come can be listed
//! before their events exist; an action is attributed to the event's actor.

use super::service::Service;

/// `(event type, service, action kind)`.
pub const ACTIONS: &[(&str, Service, &str)] = &[
    // Directory & administration.
    ("StructureCreated", Service::Directory, "structures_created"),
    ("ClassCreated", Service::Directory, "classes_created"),
    ("GroupCreated", Service::Directory, "groups_created"),
    ("SubjectCreated", Service::Directory, "subjects_created"),
    ("UserCreated", Service::Directory, "users_created"),
    ("PupilEnrolled", Service::Directory, "enrolments"),
    ("ParentLinked", Service::Directory, "parent_links"),
    ("TeacherAssigned", Service::Directory, "teacher_assignments"),
    ("AdminGranted", Service::Directory, "admin_grants"),
    ("UserDeactivated", Service::Directory, "users_deactivated"),
    // Vie scolaire.
    ("LessonScheduled", Service::VieScolaire, "lessons_scheduled"),
    ("RollCallTaken", Service::VieScolaire, "roll_calls"),
    ("RollCallAmended", Service::VieScolaire, "roll_calls_amended"),
    ("AbsenceRecorded", Service::VieScolaire, "absences_recorded"),
    ("AbsenceJustified", Service::VieScolaire, "absences_justified"),
    ("JustificationAccepted", Service::VieScolaire, "justifications_accepted"),
    ("JustificationRefused", Service::VieScolaire, "justifications_refused"),
    ("PunishmentGiven", Service::VieScolaire, "punishments"),
    ("SanctionPronounced", Service::VieScolaire, "sanctions"),
    // Notes, cahier de textes, compétences (their events arrive with those services).
    ("EvaluationCreated", Service::Notes, "evaluations_created"),
    ("GradeRecorded", Service::Notes, "grades_entered"),
    ("GradeCorrected", Service::Notes, "grades_corrected"),
    ("BulletinsPublished", Service::Notes, "bulletins_published"),
    ("LessonLogged", Service::CahierDeTextes, "lesson_entries"),
    ("HomeworkAssigned", Service::CahierDeTextes, "homework_entries"),
    ("CompetencyPositioned", Service::Competences, "competencies_positioned"),
    // Espace de travail.
    ("FolderCreated", Service::Espace, "folders_created"),
    ("FileUploaded", Service::Espace, "files_uploaded"),
    ("FileShared", Service::Espace, "files_shared"),
    ("FileDeleted", Service::Espace, "files_deleted"),
    // Forums, blogs, news (actualités).
    ("ForumCategoryCreated", Service::Forums, "forum_categories_created"),
    ("ForumTopicOpened", Service::Forums, "forum_topics_opened"),
    ("ForumPostAdded", Service::Forums, "forum_posts"),
    ("ForumPostEdited", Service::Forums, "forum_posts_edited"),
    ("ForumPostHidden", Service::Forums, "forum_posts_hidden"),
    ("ForumTopicLocked", Service::Forums, "forum_topics_locked"),
    ("BlogCreated", Service::Blogs, "blogs_created"),
    ("BlogPostDrafted", Service::Blogs, "blog_posts_written"),
    ("BlogPostSubmitted", Service::Blogs, "blog_posts_submitted"),
    ("BlogPostPublished", Service::Blogs, "blog_posts_published"),
    ("BlogCommentAdded", Service::Blogs, "blog_comments"),
    ("NewsPublished", Service::Actualites, "news_published"),
    ("NewsWithdrawn", Service::Actualites, "news_withdrawn"),
    // agenda
    ("SchoolEventCreated", Service::Agenda, "school_events_created"),
    ("SchoolEventUpdated", Service::Agenda, "school_events_updated"),
    ("SchoolEventCancelled", Service::Agenda, "school_events_cancelled"),
    ("CalendarFeedCreated", Service::Agenda, "calendar_feeds_created"),
    // Réservations (the slots held and released are bookkeeping of a booking, not actions).
    ("BookableResourceDefined", Service::Reservations, "resources_defined"),
    ("ResourceBooked", Service::Reservations, "bookings"),
    ("BookingApproved", Service::Reservations, "bookings_approved"),
    ("BookingRejected", Service::Reservations, "bookings_rejected"),
    ("BookingCancelled", Service::Reservations, "bookings_cancelled"),
    // Ressources.
    ("ResourcePublished", Service::Ressources, "resources_published"),
    ("LearningPathCreated", Service::Ressources, "learning_paths_created"),
    ("StepCompleted", Service::Ressources, "path_steps_completed"),
    // Messagerie.
    ("MessageSent", Service::Messagerie, "messages_sent"),
    ("MessageRead", Service::Messagerie, "messages_read"),
    ("MailingListCreated", Service::Messagerie, "mailing_lists_created"),
    // Chat and visio.
    ("ChatRoomOpened", Service::Chat, "chat_rooms_opened"),
    ("ChatMessagePosted", Service::Chat, "chat_messages"),
    ("MeetingScheduled", Service::Visio, "meetings_scheduled"),
];

/// The service and action kind an event of this type counts as, if it counts.
pub fn action_of(event_type: &str) -> Option<(Service, &'static str)> {
    ACTIONS.iter().find(|(t, _, _)| *t == event_type).map(|(_, s, k)| (*s, *k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Event;

    #[test]
    fn an_action_is_attributed_to_the_service_of_its_event() {
        for (event_type, service, _) in ACTIONS {
            if let Some(owner) = Event::service_of(event_type) {
                assert_eq!(owner, service.as_str(), "{event_type}");
            }
        }
        assert_eq!(action_of("RollCallTaken"), Some((Service::VieScolaire, "roll_calls")));
        assert_eq!(action_of("GradeRecorded"), Some((Service::Notes, "grades_entered")));
    }

    #[test]
    fn bookkeeping_events_are_not_actions() {
        for t in ["LoginReserved", "PasswordSet", "UsageRecorded", "UserLoggedIn", "NotificationsRead", "SanctionErased"] {
            assert_eq!(action_of(t), None, "{t}");
        }
    }

    #[test]
    fn action_kinds_are_unique() {
        let mut kinds: Vec<_> = ACTIONS.iter().map(|(_, _, k)| *k).collect();
        let n = kinds.len();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), n);
    }
}

//! Messagerie: internal mail under the communication rules (docs/domain.md, "Messagerie").
//! A message is one stream (`<uai>/message/<id>`) holding one `MessageSent` with its frozen
//! recipients, whatever the fan-out; what each person does with it (read, folder, trash) is in
//! their own mailbox stream (`<uai>/mailbox/<user>`). Mailing lists are bound to a class or a
//! group and expanded when a post is sent.

pub mod commands;
pub mod events;
pub mod lists;
pub mod mailbox;
pub mod message;
pub mod sanitize;
pub mod search;

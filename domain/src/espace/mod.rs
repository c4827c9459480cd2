//! Espace de travail (the workspace): each user's folders and files, the trash, sharing and the
//! quota. One aggregate per user workspace (`<uai>/workspace/<user>`), so unique names in a
//! folder and the quota are decided here with optimistic concurrency. File bytes never enter the
//! log: events carry the SHA-256 of the content, kept once in the blob store.

pub mod commands;
pub mod events;
pub mod workspace;

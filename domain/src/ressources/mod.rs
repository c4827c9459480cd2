//! Ressources numériques & parcours: a structure's catalogue of digital resources (links, files of
//! the workspace) published to classes and groups, and learning paths (parcours) of resources
//! and instructions assigned to a class or group, with each pupil's progress.

pub mod catalogue;
pub mod commands;
pub mod events;
pub mod paths;

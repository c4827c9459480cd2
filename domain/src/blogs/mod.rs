//! Blogs of a structure, a class or a user: posts through `draft → submitted → published`,
//! comments, held for approval when the blog says so.

pub mod commands;
pub mod events;
pub mod posts;

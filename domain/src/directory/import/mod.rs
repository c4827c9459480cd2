//! The rentrée import (docs/domain.md, "Rentrée import"): CSV files as school systems export
//! them, read row by row ([`parse`]), matched on external ids against the structure's imports
//! ([`registry`]) and turned into directory events ([`decide`]).

pub mod decide;
pub mod mapping;
pub mod parse;
pub mod registry;

pub use mapping::{Column, ColumnMapping};
pub use registry::ImportRegistry;

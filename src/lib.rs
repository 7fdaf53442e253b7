//! wisdom: a static site generator for a wisdom index of short markdown notes.
//!
//! The pipeline, one module per stage: [`config`] → [`content`] (read and parse notes) →
//! [`markdown`] → [`site`] (sections, tags, URLs) → [`templates`] and [`render`] →
//! [`output`] (staged, then swapped in). [`build`] runs them in order; [`serve`] previews
//! and rebuilds on change.

pub(crate) mod assets;
pub mod build;
pub mod calc;
pub mod check;
pub(crate) mod components;
pub mod config;
pub mod content;
pub mod deploy;
pub mod error;
pub(crate) mod fonts;
pub(crate) mod html;
pub mod layout;
pub mod markdown;
pub mod model_file;
pub(crate) mod output;
pub mod pipeline;
pub(crate) mod progress;
pub(crate) mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub(crate) mod site;
pub(crate) mod slug;
pub(crate) mod templates;

/// The parsers of crate-private stages that the fuzz targets (`fuzz/`) drive.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::assets::images::{Copy, ImageStore};
    pub use crate::templates::Words;
}

//! wisdom: a static site generator for a wisdom index of short markdown notes.
//!
//! The pipeline, one module per stage: [`config`] → [`content`] (read and parse notes) →
//! [`markdown`] → [`site`] (sections, tags, URLs) → [`templates`] and [`render`] →
//! [`output`] (staged, then swapped in). [`build`] runs them in order; [`serve`] previews
//! and rebuilds on change.

pub mod assets;
pub mod build;
pub mod calc;
pub mod check;
pub mod components;
pub mod config;
pub mod content;
pub mod deploy;
pub mod error;
pub mod html;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;
pub mod templates;

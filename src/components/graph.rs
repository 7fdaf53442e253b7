//! The graph of notes, as a component: a page with every note and the links between them
//! (`/graph/`), and below each note the graph of its neighbours. Both are drawn by
//! `graph.js` on a canvas from the note map (`notes.json`, written by every build), which
//! it loads only when a graph is shown. `graph: false` in a note's front matter leaves its
//! local graph out.

use std::path::Path;

use serde_json::Value;
use tera::Context;

use super::{Component, Page, Placement};
use crate::content::Document;
use crate::error::{Diagnostic, Kind};
use crate::templates::{Statics, Templates, Theme, ThemePart};

pub struct Graph;

impl ThemePart for Graph {
    fn templates(&self) -> Templates {
        &[
            ("graph.html", include_str!("../../templates/graph.html")),
            (
                "partials/local_graph.html",
                include_str!("../../templates/partials/local_graph.html"),
            ),
        ]
    }

    fn statics(&self) -> Statics {
        &[("graph.js", include_bytes!("../../static/graph.js"))]
    }
}

impl Component for Graph {
    fn name(&self) -> &'static str {
        "graph"
    }

    fn pages(&self) -> &'static [Page] {
        &[Page {
            path: "/graph/",
            template: "graph.html",
            title: "graph_title",
            description: "graph_description",
            nav: Some("graph"),
        }]
    }

    fn read_note(&self, doc: &Document, _root: &Path) -> Result<Option<Value>, Diagnostic> {
        match doc.front.extra.get("graph") {
            None | Some(Value::Bool(true)) => Ok(Some(Value::Null)),
            Some(Value::Bool(false)) => Ok(None),
            Some(other) => Err(Diagnostic::new(
                Kind::FieldType,
                &doc.source.path,
                format!("`graph` must be true or false, not `{other}`"),
            )
            .at_line(&doc.source.text, doc.key_line("graph"))
            .hint("write `graph: false` to leave this note's graph out")),
        }
    }

    fn note_html(&self, _value: &Value, theme: &Theme) -> Result<String, Diagnostic> {
        theme.render("partials/local_graph.html", &Context::new())
    }

    fn placement(&self) -> Placement {
        Placement::BelowText
    }
}

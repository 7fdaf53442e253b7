pub mod attr;
pub mod bang;
pub mod comment;
pub mod content;
pub mod css;
pub mod doctype;
pub mod element;
pub mod instruction;
pub mod js;
pub mod rcdata;
#[cfg(test)]
mod tests;

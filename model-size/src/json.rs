//! Just enough JSON to read a model's `config.json` without an allocator (the crate runs in
//! the browser as a few kilobytes of WebAssembly): values are slices of the text, found by
//! scanning, never copied. Nesting is skipped by counting brackets, not by recursion, so a
//! hostile file cannot exhaust the stack.

/// Where the text stops being JSON, as a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
}

/// One JSON value: the slice of the document it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value<'a> {
    text: &'a str,
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the string that starts at `i` (a `"`), after its closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Result<usize, JsonError> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(JsonError { offset: b.len() })
}

/// The end of the value that starts at `i`.
fn skip_value(b: &[u8], i: usize) -> Result<usize, JsonError> {
    let err = |offset| Err(JsonError { offset });
    match b.get(i) {
        None => err(i),
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            err(b.len())
        }
        Some(c) if c.is_ascii_digit() || *c == b'-' => {
            let mut j = i + 1;
            while j < b.len() && matches!(b[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                j += 1;
            }
            Ok(j)
        }
        Some(_) => {
            for word in ["true", "false", "null"] {
                if b[i..].starts_with(word.as_bytes()) {
                    return Ok(i + word.len());
                }
            }
            err(i)
        }
    }
}

impl<'a> Value<'a> {
    /// The document, which must be one object (as a `config.json` is).
    pub fn parse_object(text: &'a str) -> Result<Value<'a>, JsonError> {
        let b = text.as_bytes();
        let start = skip_space(b, 0);
        if b.get(start) != Some(&b'{') {
            return Err(JsonError { offset: start });
        }
        let end = skip_value(b, start)?;
        let rest = skip_space(b, end);
        if rest != b.len() {
            return Err(JsonError { offset: rest });
        }
        let value = Value {
            text: &text[start..end],
        };
        // Walk every member once, so that a malformed object fails here with its place.
        for member in value.members() {
            member.map_err(|e| JsonError {
                offset: e.offset + start,
            })?;
        }
        Ok(value)
    }

    /// The members of an object, in order; a malformed one ends the walk with an error
    /// (offsets relative to this value).
    pub fn members(self) -> Members<'a> {
        Members {
            text: self.text,
            at: 1,
            done: !self.text.starts_with('{'),
            after_comma: false,
        }
    }

    /// The value of `key` in this object, if it has one.
    pub fn get(self, key: &str) -> Option<Value<'a>> {
        self.members()
            .filter_map(Result::ok)
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// The items of an array.
    pub fn items(self) -> Items<'a> {
        Items {
            text: self.text,
            at: 1,
            done: !self.text.starts_with('['),
        }
    }

    pub fn is_null(self) -> bool {
        self.text == "null"
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.text {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// A string's text without its quotes; escapes are left as written (the keys and
    /// names read here are plain ASCII).
    pub fn as_str(self) -> Option<&'a str> {
        self.text.strip_prefix('"')?.strip_suffix('"')
    }

    /// A non-negative whole number (`4096`, also written `4096.0` or `4.096e3`). Read by
    /// hand: the float parser of `core` would triple the size of the WebAssembly module.
    pub fn as_u64(self) -> Option<u64> {
        let (mantissa, exponent) = match self.text.find(['e', 'E']) {
            Some(i) => (&self.text[..i], self.text[i + 1..].parse::<i32>().ok()?),
            None => (self.text, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if whole.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        // All digits as one integer, then the decimal point moved by the exponent.
        let mut n: u64 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
        let mut shift = exponent - i32::try_from(fraction.len()).ok()?;
        while shift > 0 {
            n = n.checked_mul(10)?;
            shift -= 1;
        }
        while shift < 0 {
            if !n.is_multiple_of(10) {
                return None;
            }
            n /= 10;
            shift += 1;
        }
        Some(n)
    }
}

pub struct Members<'a> {
    text: &'a str,
    at: usize,
    done: bool,
    /// A comma was read: a member must follow.
    after_comma: bool,
}

impl<'a> Iterator for Members<'a> {
    type Item = Result<(&'a str, Value<'a>), JsonError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let b = self.text.as_bytes();
        let fail = |this: &mut Self, offset| {
            this.done = true;
            Some(Err(JsonError { offset }))
        };
        let i = skip_space(b, self.at);
        match b.get(i) {
            Some(b'}') if !self.after_comma => {
                self.done = true;
                return None;
            }
            Some(b'"') => {}
            _ => return fail(self, i),
        }
        let Ok(key_end) = skip_string(b, i) else {
            return fail(self, i);
        };
        let colon = skip_space(b, key_end);
        if b.get(colon) != Some(&b':') {
            return fail(self, colon);
        }
        let start = skip_space(b, colon + 1);
        let Ok(end) = skip_value(b, start) else {
            return fail(self, start);
        };
        let after = skip_space(b, end);
        self.after_comma = b.get(after) == Some(&b',');
        match b.get(after) {
            Some(b',') => self.at = after + 1,
            Some(b'}') => self.at = after,
            _ => return fail(self, after),
        }
        Some(Ok((
            &self.text[i + 1..key_end - 1],
            Value {
                text: &self.text[start..end],
            },
        )))
    }
}

pub struct Items<'a> {
    text: &'a str,
    at: usize,
    done: bool,
}

impl<'a> Iterator for Items<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        if self.done {
            return None;
        }
        let b = self.text.as_bytes();
        let i = skip_space(b, self.at);
        if b.get(i).is_none_or(|&c| c == b']') {
            self.done = true;
            return None;
        }
        let Ok(end) = skip_value(b, i) else {
            self.done = true;
            return None;
        };
        let after = skip_space(b, end);
        match b.get(after) {
            Some(b',') => self.at = after + 1,
            _ => self.done = true,
        }
        Some(Value {
            text: &self.text[i..end],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_members_numbers_strings_and_arrays() {
        let doc = r#" {"a": 1, "b": {"c": [1, {"d": "}"}]}, "e": "x\"y", "f": 4.096e3,
            "g": true, "h": null, "i": ["sliding", "full"], "j": -1} "#;
        let v = Value::parse_object(doc).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_u64), Some(1));
        assert_eq!(v.get("f").and_then(Value::as_u64), Some(4096));
        assert_eq!(v.get("e").and_then(Value::as_str), Some(r#"x\"y"#));
        assert_eq!(v.get("g").and_then(Value::as_bool), Some(true));
        assert!(v.get("h").unwrap().is_null());
        assert_eq!(v.get("j").and_then(Value::as_u64), None);
        assert_eq!(v.get("i").unwrap().items().count(), 2);
        let c = v.get("b").unwrap().get("c").unwrap();
        assert_eq!(
            c.items().nth(1).unwrap().get("d").and_then(Value::as_str),
            Some("}")
        );
        assert_eq!(v.get("missing"), None);
    }

    #[test]
    fn malformed_documents_fail_with_a_place() {
        for (doc, offset) in [
            ("", 0),
            ("[1]", 0),
            ("{\"a\" 1}", 5),
            ("{\"a\": 1,}", 8),
            ("{\"a\": tru}", 6),
            ("{\"a\": 1} x", 9),
            ("{\"a\": \"open", 11),
        ] {
            assert_eq!(
                Value::parse_object(doc).map(|_| ()),
                Err(JsonError { offset }),
                "{doc}"
            );
        }
        // Deep nesting is skipped without recursion.
        let deep = "{\"a\": ".to_string() + &"[".repeat(100_000) + &"]".repeat(100_000) + "}";
        assert!(Value::parse_object(&deep).is_ok());
    }
}

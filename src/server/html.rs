//! HTML escaping for what the server writes as HTML text itself: the
//! mails' HTML parts, the SVG charts and the development mail page.
//! (Leptos escapes what the pages render.)

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>Jan & Piet</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Jan &amp; Piet&lt;/a&gt;"
        );
        assert_eq!(escape("gewone tekst"), "gewone tekst");
    }
}

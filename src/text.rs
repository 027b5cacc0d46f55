//! Text meant for a terminal: characters that would act on the terminal instead
//! of being shown (controls such as a line feed, a carriage return, ESC or BEL,
//! and the marks that reorder text) are written as escapes, so that a value read
//! from a profile, a certificate or an event log can neither forge a line of
//! output (`\n  signature: valid`) nor send the terminal a command.
//!
//! Every printer of text for people goes through [`escape`]; JSON output needs
//! nothing more, its strings are escaped by the JSON writer.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` is written as an escape by [`escape`]: the C0 and C1 control
/// characters and DEL (line feed, carriage return and tab included), the line
/// and paragraph separators, and the bidirectional marks, embeddings, overrides
/// and isolates, which reorder how a line is shown.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character of [`needs_escape`] written as Rust writes it in
/// a string literal: `\n`, `\r`, `\t`, `\u{1b}` (ESC), `\u{7}` (BEL),
/// `\u{202e}`. Other characters, backslashes included, are kept; text without
/// such a character is returned as it is, without a copy.
///
/// ```
/// use psso_profile::text::escape;
/// assert_eq!(escape("C02\r\n  signature: valid"), "C02\\r\\n  signature: valid");
/// assert_eq!(escape("\u{1b}[2J"), "\\u{1b}[2J");
/// assert_eq!(escape("plain"), "plain");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Displays a string through [`escape`]: `format!("{}", Escaped(name))`.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_reordering_marks_are_escaped() {
        let cases = [
            ("a\nb", "a\\nb"),
            ("a\rb", "a\\rb"),
            ("tab\there", "tab\\there"),
            ("\u{1b}]0;title\u{7}", "\\u{1b}]0;title\\u{7}"),
            ("nul\u{0}", "nul\\u{0}"),
            ("del\u{7f}", "del\\u{7f}"),
            ("csi\u{9b}31m", "csi\\u{9b}31m"),
            ("rlo\u{202e}txt", "rlo\\u{202e}txt"),
            ("isolate\u{2066}", "isolate\\u{2066}"),
            ("line\u{2028}sep", "line\\u{2028}sep"),
        ];
        for (raw, shown) in cases {
            assert_eq!(escape(raw), shown, "{raw:?}");
            assert_eq!(Escaped(raw).to_string(), shown);
        }
    }

    #[test]
    fn other_text_is_kept_without_a_copy() {
        for text in [
            "",
            "plain",
            "é✓ 😀",
            "back\\slash",
            "{{DEVICEREGISTRATION}}",
        ] {
            assert!(
                matches!(escape(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the text, nothing of [`needs_escape`] is left, and text
        /// without such characters is unchanged.
        #[test]
        fn escaped_text_holds_no_control(text in "(\\PC|\\p{Cc}|[\u{202a}-\u{202e}\u{2066}-\u{2069}\u{2028}\u{2029}])*") {
            let shown = escape(&text);
            prop_assert!(!shown.chars().any(needs_escape), "{shown:?}");
            if !text.chars().any(needs_escape) {
                prop_assert_eq!(shown.as_ref(), text.as_str());
            }
        }
    }
}

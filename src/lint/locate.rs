//! Finding the line of a key path in an XML profile or a JSON declaration, for
//! reports that point into the file (SARIF regions).

/// The 1-based line of the key at `path` (such as
/// `PayloadContent[0].PlatformSSO.UseSharedDeviceKeys`) in XML text: each path
/// component is searched as `<key>NAME</key>` after the previous one, skipping
/// array items by counting the dictionaries of the array. A component that is
/// missing (the finding is about a missing key) gives the line of its parent.
/// `None` for text that is not XML. In a JSON declaration, each component is searched
/// as `"NAME":` after the previous one, array items counted at the array's level.
pub fn line_of(xml: &[u8], path: &str) -> Option<usize> {
    let text = std::str::from_utf8(xml).ok()?;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') {
        return json_line_of(text, path);
    }
    if !start.starts_with('<') {
        return None;
    }
    let mut offset = text.find("<dict>").unwrap_or(0);
    let mut found = offset;
    for component in path.split('.').filter(|c| !c.is_empty()) {
        let (name, index) = match component.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (component, None),
        };
        let needle = format!("<key>{name}</key>");
        let Some(at) = text[offset..].find(&needle) else {
            break;
        };
        offset += at + needle.len();
        found = offset - needle.len();
        if let Some(index) = index {
            // Step over `index` items of the array that follows.
            let Some(inside) = text[offset..].trim_start().starts_with("<array>").then(|| {
                offset
                    + text[offset..]
                        .find("<array>")
                        .map_or(0, |i| i + "<array>".len())
            }) else {
                break;
            };
            let mut item_start = None;
            let mut cursor = inside;
            for _ in 0..=index {
                let Some(next) = next_item(text, cursor) else {
                    break;
                };
                item_start = Some(next.0);
                cursor = next.1;
            }
            match item_start {
                Some(start) => {
                    offset = start;
                    found = start;
                }
                None => break,
            }
        }
    }
    Some(text[..found].matches('\n').count() + 1)
}

/// [`line_of`] for JSON text.
fn json_line_of(text: &str, path: &str) -> Option<usize> {
    let mut offset = text.find('{').unwrap_or(0);
    let mut found = offset;
    for component in path.split('.').filter(|c| !c.is_empty()) {
        let (name, index) = match component.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (component, None),
        };
        let needle = format!("\"{name}\":");
        let Some(at) = text[offset..].find(&needle) else {
            break;
        };
        offset += at + needle.len();
        found = offset - needle.len();
        if let Some(index) = index {
            match json_item(text, offset, index) {
                Some(item) => {
                    offset = item;
                    found = item;
                }
                None => break,
            }
        }
    }
    Some(text[..found].matches('\n').count() + 1)
}

/// The start of item `index` of the JSON array that opens after `from`.
fn json_item(text: &str, from: usize, index: usize) -> Option<usize> {
    let open = from + text[from..].find(|c: char| !c.is_whitespace())?;
    if !text[open..].starts_with('[') {
        return None;
    }
    let (mut depth, mut in_string, mut escaped, mut item) = (0usize, false, false, 0usize);
    let mut expecting = true;
    for (i, c) in text[open..].char_indices() {
        let at = open + i;
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if expecting && depth == 1 && !c.is_whitespace() && c != ']' {
            if item == index {
                return Some(at);
            }
            expecting = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            ',' if depth == 1 => {
                item += 1;
                expecting = true;
            }
            _ => {}
        }
    }
    None
}

/// The start and end of the next array item after `from` (an element at the
/// array's nesting level).
fn next_item(text: &str, from: usize) -> Option<(usize, usize)> {
    let rest = &text[from..];
    let open = rest.find('<')?;
    let start = from + open;
    let tag_end = start + text[start..].find('>')?;
    let tag = &text[start + 1..tag_end];
    if tag.starts_with('/') {
        return None; // the end of the array
    }
    if tag.ends_with('/') {
        return Some((start, tag_end + 1));
    }
    let name = tag.split_whitespace().next()?;
    // Find the matching close tag, counting nested tags of the same name.
    let (open_tag, close_tag) = (format!("<{name}>"), format!("</{name}>"));
    let mut depth = 1;
    let mut cursor = tag_end + 1;
    while depth > 0 {
        let next_open = text[cursor..].find(&open_tag).map(|i| cursor + i);
        let next_close = cursor + text[cursor..].find(&close_tag)?;
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                cursor = o + open_tag.len();
            }
            _ => {
                depth -= 1;
                cursor = next_close + close_tag.len();
            }
        }
    }
    Some((start, cursor))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<plist version=\"1.0\">
<dict>
\t<key>PayloadContent</key>
\t<array>
\t\t<dict>
\t\t\t<key>A</key>
\t\t\t<string>x</string>
\t\t</dict>
\t\t<dict>
\t\t\t<key>PlatformSSO</key>
\t\t\t<dict>
\t\t\t\t<key>UseSharedDeviceKeys</key>
\t\t\t\t<false/>
\t\t\t</dict>
\t\t\t<key>URLs</key>
\t\t\t<array>
\t\t\t\t<string>a</string>
\t\t\t\t<string>b</string>
\t\t\t</array>
\t\t</dict>
\t</array>
\t<key>PayloadType</key>
\t<string>Configuration</string>
</dict>
</plist>
";

    #[test]
    fn finds_nested_keys_and_array_items() {
        assert_eq!(line_of(XML.as_bytes(), "PayloadType"), Some(23));
        assert_eq!(
            line_of(
                XML.as_bytes(),
                "PayloadContent[1].PlatformSSO.UseSharedDeviceKeys"
            ),
            Some(13)
        );
        assert_eq!(
            line_of(XML.as_bytes(), "PayloadContent[1].URLs[1]"),
            Some(19)
        );
        assert_eq!(line_of(XML.as_bytes(), "PayloadContent[0].A"), Some(7));
    }

    #[test]
    fn a_missing_key_points_at_its_parent() {
        assert_eq!(
            line_of(XML.as_bytes(), "PayloadContent[1].ScreenLockedBehavior"),
            Some(10)
        );
        assert_eq!(line_of(XML.as_bytes(), ""), Some(3));
    }

    #[test]
    fn finds_keys_and_items_of_a_json_declaration() {
        let json = "{\n  \"Payload\": {\n    \"PlatformSSO\": {\n      \"Policies\": {\n        \"FileVault\": [\n          \"AttemptAuthentication\",\n          \"RequireTouchID\"\n        ]\n      }\n    },\n    \"ScreenLockedBehavior\": \"Cancel\"\n  },\n  \"Type\": \"x\"\n}\n";
        let line = |path| line_of(json.as_bytes(), path);
        assert_eq!(line("Payload.ScreenLockedBehavior"), Some(11));
        assert_eq!(line("Payload.PlatformSSO.Policies.FileVault[1]"), Some(7));
        assert_eq!(line("Payload.PlatformSSO.Policies.FileVault[0]"), Some(6));
        assert_eq!(line("Payload.PlatformSSO.Policies.FileVault[2]"), Some(5));
        assert_eq!(line("Type"), Some(13));
        assert_eq!(line("Payload.PlatformSSO.Missing"), Some(3));
    }

    #[test]
    fn binary_input_has_no_lines() {
        assert_eq!(line_of(b"bplist00\x00\x01", "PayloadType"), None);
    }
}

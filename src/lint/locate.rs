//! Finding the line of a key path in an XML profile, for reports that point into
//! the file (SARIF regions).

/// The 1-based line of the key at `path` (such as
/// `PayloadContent[0].PlatformSSO.UseSharedDeviceKeys`) in XML text: each path
/// component is searched as `<key>NAME</key>` after the previous one, skipping
/// array items by counting the dictionaries of the array. A component that is
/// missing (the finding is about a missing key) gives the line of its parent.
/// `None` for text that is not XML.
pub fn line_of(xml: &[u8], path: &str) -> Option<usize> {
    let text = std::str::from_utf8(xml).ok()?;
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
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
    fn binary_input_has_no_lines() {
        assert_eq!(line_of(b"bplist00\x00\x01", "PayloadType"), None);
    }
}

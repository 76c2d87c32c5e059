//! CSV as Swedish Excel opens it: UTF-8 with a byte-order mark (or Excel reads å, ä and ö as
//! Latin-1), semicolons between fields (a comma is the decimal mark in Swedish), CRLF line
//! ends, and a field quoted when it holds a semicolon, a quote or a line break.

/// Rows of fields as CSV text, the byte-order mark first.
pub fn write(rows: &[Vec<String>]) -> String {
    let mut out = String::from('\u{feff}');
    for row in rows {
        for (i, field) in row.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            let guarded = guard_formula(field);
            if guarded.contains([';', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&guarded.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(&guarded);
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading
/// apostrophe: a note typed in the field must never run in the coordinator's Excel. A count
/// like "-3" is not made by this app; "<5" starts with `<` and is left alone.
fn guard_formula(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

/// Reads CSV made by [`write`] back into rows: for tests, and for anyone checking an export.
pub fn read(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ';') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_text_semicolons_quotes_and_breaks_come_back_as_written() {
        let rows = vec![
            vec!["Område".to_string(), "Antal".to_string()],
            vec!["Väst; Öster".to_string(), "<5".to_string()],
            vec!["Sa \"hej\"\nsen gick".to_string(), "12".to_string()],
        ];
        let text = write(&rows);
        assert!(
            text.starts_with('\u{feff}'),
            "Excel needs the BOM for å, ä, ö"
        );
        assert!(text.contains("Område;Antal\r\n"));
        assert_eq!(read(&text), rows);
    }

    #[test]
    fn text_that_would_run_as_a_formula_is_defused() {
        let rows = vec![vec!["=HYPERLINK(\"x\")".to_string(), "-1+1".to_string()]];
        let back = read(&write(&rows));
        assert_eq!(back[0][0], "'=HYPERLINK(\"x\")");
        assert_eq!(back[0][1], "'-1+1");
    }
}

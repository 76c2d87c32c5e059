//! The rules every text field shares: trimmed, a clear length limit counted in characters (so
//! emoji and right-to-left scripts count as a reader sees them), and no control characters
//! that could hide text or reorder it on screen.

/// Why a text field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Missing,
    TooLong,
    /// A control character other than a line break (in notes), such as a bidirectional
    /// override that would show the text in another order than it was typed.
    Invalid,
}

/// Limits, in characters.
pub const SHORT_MAX: usize = 60;
pub const NOTE_MAX: usize = 2000;

fn forbidden(c: char, multiline: bool) -> bool {
    let line_break = c == '\n';
    let bidi_override = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    (c.is_control() && !(multiline && line_break)) || bidi_override
}

fn check(raw: &str, max: usize, required: bool, multiline: bool) -> Result<String, TextError> {
    let normalised = raw.replace("\r\n", "\n");
    let trimmed = normalised.trim();
    if trimmed.is_empty() {
        return if required {
            Err(TextError::Missing)
        } else {
            Ok(String::new())
        };
    }
    if trimmed.chars().any(|c| forbidden(c, multiline)) {
        return Err(TextError::Invalid);
    }
    if trimmed.chars().count() > max {
        return Err(TextError::TooLong);
    }
    Ok(trimmed.to_string())
}

/// A one-line field of at most [`SHORT_MAX`] characters that must be filled in.
pub fn required_line(raw: &str) -> Result<String, TextError> {
    check(raw, SHORT_MAX, true, false)
}

/// A one-line field of at most [`SHORT_MAX`] characters that may be empty.
pub fn optional_line(raw: &str) -> Result<String, TextError> {
    check(raw, SHORT_MAX, false, false)
}

/// A note of at most [`NOTE_MAX`] characters, line breaks allowed, may be empty.
pub fn note(raw: &str) -> Result<String, TextError> {
    check(raw, NOTE_MAX, false, true)
}

/// Lower case for matching names and searching: ASCII and the letters of Swedish names. Not
/// `str::to_lowercase`, whose Unicode tables cost the wasm 7 KB; other letters match as typed.
pub fn fold_case(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'Å' => 'å',
            'Ä' => 'ä',
            'Ö' => 'ö',
            'É' => 'é',
            'Ü' => 'ü',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Whether `text` holds a Swedish personal identity number (*personnummer* or
/// *samordningsnummer*): 10 or 12 digits, perhaps with `-` or `+` before the last four, whose
/// month and day exist and whose check digit is right. Records are pseudonymous: such a number
/// is never stored. The date and check-digit tests keep most phone numbers out.
pub fn looks_like_identity_number(text: &str) -> bool {
    let mut digits: Vec<u32> = Vec::new();
    for c in text.chars().chain(core::iter::once(' ')) {
        if let Some(d) = c.to_digit(10) {
            digits.push(d);
        } else if (c == '-' || c == '+') && !digits.is_empty() {
            // A separator inside the number: keep collecting.
        } else {
            if (digits.len() == 10 || digits.len() == 12)
                && valid_identity(&digits[digits.len() - 10..])
            {
                return true;
            }
            digits.clear();
        }
    }
    false
}

/// YYMMDDNNNC: a real month, a day of 1–31 (61–91 for a coordination number), and the Luhn
/// check digit C.
fn valid_identity(d: &[u32]) -> bool {
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    let day_ok = (1..=31).contains(&day) || (61..=91).contains(&day);
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let v = if i % 2 == 0 { x * 2 } else { x };
            v / 10 + v % 10
        })
        .sum();
    (1..=12).contains(&month) && day_ok && (10 - sum % 10) % 10 == d[9]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_limited_and_free_of_control_characters() {
        assert_eq!(required_line("  Ali  "), Ok("Ali".into()));
        assert_eq!(required_line("   "), Err(TextError::Missing));
        assert_eq!(optional_line("  "), Ok(String::new()));
        assert_eq!(
            required_line(&"å".repeat(SHORT_MAX))
                .unwrap()
                .chars()
                .count(),
            SHORT_MAX
        );
        assert_eq!(
            required_line(&"å".repeat(SHORT_MAX + 1)),
            Err(TextError::TooLong)
        );
        assert_eq!(required_line("a\nb"), Err(TextError::Invalid));
        assert_eq!(required_line("a\u{202E}b"), Err(TextError::Invalid));
        assert_eq!(note("a\r\nb"), Ok("a\nb".into()));
        assert_eq!(note("a\u{7}b"), Err(TextError::Invalid));
    }

    #[test]
    fn emoji_and_right_to_left_text_count_as_characters() {
        let emoji = "🙂".repeat(SHORT_MAX);
        assert_eq!(required_line(&emoji), Ok(emoji.clone()));
        let arabic = "مرحبا";
        assert_eq!(required_line(arabic), Ok(arabic.into()));
        assert_eq!(note(&"👍🏽".repeat(NOTE_MAX)), Err(TextError::TooLong));
    }

    #[test]
    fn case_folds_for_swedish_names() {
        assert_eq!(fold_case("ÅSA Östberg-Émile"), "åsa östberg-émile");
    }

    #[test]
    fn identity_numbers_are_recognised() {
        // Skatteverket's published example number, in its written forms.
        for yes in [
            "19811218-9876",
            "811218-9876",
            "8112189876",
            "x 198112189876 y",
            "811218+9876",
            "811278-9873",
        ] {
            assert!(looks_like_identity_number(yes), "{yes}");
        }
        for no in [
            "Ali",
            "A.B. 2006",
            "12345",
            "tel 070-123 45 67",
            "1990-01-01",
            "811218-9875",
            "0701234567",
            "811318-9876",
        ] {
            assert!(!looks_like_identity_number(no), "{no}");
        }
    }
}

//! Phone numbers as the service writes them: `00` + country code + number, 5 to 20 digits.

/// A number in the service's form, or why the text is not one. `+86 130-1234-5678` becomes
/// `008613012345678`; spaces, dashes, dots and parentheses are dropped.
pub fn normalize(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("empty; write 00 + country code + number, e.g. 008613012345678".into());
    }
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(rest.len() + 2);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            other => {
                return Err(format!(
                    "{other:?} is not allowed in a phone number; use digits only, e.g. 008613012345678"
                ));
            }
        }
    }
    // `+0086…` is the `00` form with a stray plus, not `00` + `0086…`.
    if plus && !digits.starts_with("00") {
        digits.insert_str(0, "00");
    }
    if !digits.starts_with("00") {
        // Twelve digits or more already hold a country code (`8613012345678`): only the `00`
        // is missing, and `0086` in front of them would be wrong.
        let example = if digits.len() >= 12 {
            format!("00{digits}")
        } else {
            format!("0086{}", digits.trim_start_matches('0'))
        };
        return Err(format!(
            "{digits} lacks the country code; write 00 + country code + number (e.g. {example})"
        ));
    }
    if !(5..=20).contains(&digits.len()) {
        return Err(format!(
            "{digits} has {} digits; a number has 5 to 20",
            digits.len()
        ));
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_form_becomes_double_zero() {
        assert_eq!(normalize("+8613012345678").unwrap(), "008613012345678");
        assert_eq!(normalize(" +86 130-1234-5678 ").unwrap(), "008613012345678");
        assert_eq!(normalize("+1 (415) 555.0100").unwrap(), "0014155550100");
        assert_eq!(normalize("008601012345678").unwrap(), "008601012345678");
        assert_eq!(normalize("+0086 130 1234 5678").unwrap(), "008613012345678");
    }

    #[test]
    fn bad_numbers_say_why() {
        assert!(normalize("").unwrap_err().contains("00 + country code"));
        assert!(
            normalize("13012345678")
                .unwrap_err()
                .contains("country code")
        );
        assert!(
            normalize("13012345678")
                .unwrap_err()
                .contains("(e.g. 008613012345678)")
        );
        // A number that already starts with its country code only lacks the 00.
        assert!(
            normalize("8613012345678")
                .unwrap_err()
                .contains("(e.g. 008613012345678)")
        );
        assert!(normalize("0086abc").unwrap_err().contains("'a'"));
        assert!(normalize("0012").unwrap_err().contains("5 to 20"));
        assert!(
            normalize(&format!("00{}", "1".repeat(19)))
                .unwrap_err()
                .contains("21 digits")
        );
        assert!(normalize("++86130").is_err());
    }
}

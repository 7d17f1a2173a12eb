//! Variables passed to the agent, and the keys the service gives a meaning.

/// dify's `user` input.
pub const DIFY_USER: &str = "dify-inputs-user";
/// dify's conversation id, to continue a conversation.
pub const DIFY_CONVERSATION_ID: &str = "dify-inputs-conversation_id";
/// Prefix of a dify input variable: `dify-inputs-<name>`.
pub const DIFY_INPUT_PREFIX: &str = "dify-inputs-";
/// Seconds to wait before the welcome message plays.
pub const WELCOME_MESSAGE_DELAY: &str = "welcome-message-delay";

/// Problems with a list of variables, each as (row index, message).
pub fn problems(vars: &[(String, String)]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, (key, value)) in vars.iter().enumerate() {
        if key.trim().is_empty() {
            out.push((i, "the key is empty".to_string()));
        } else if key.trim() != key {
            out.push((i, format!("the key {key:?} has surrounding spaces")));
        } else if vars[..i].iter().any(|(k, _)| k == key) {
            out.push((i, format!("the key {key} appears twice")));
        }
        if key == WELCOME_MESSAGE_DELAY && !is_non_negative_number(value) {
            out.push((
                i,
                format!("{WELCOME_MESSAGE_DELAY} must be a non-negative number of seconds"),
            ));
        }
        if key == DIFY_INPUT_PREFIX {
            out.push((
                i,
                format!("{DIFY_INPUT_PREFIX} needs a name after it, e.g. {DIFY_INPUT_PREFIX}city"),
            ));
        }
    }
    out
}

fn is_non_negative_number(value: &str) -> bool {
    value
        .trim()
        .parse::<f64>()
        .is_ok_and(|v| v.is_finite() && v >= 0.0)
}

/// Keys that appear more than once.
pub fn duplicate_keys(vars: &[(String, String)]) -> Vec<&str> {
    let mut dups: Vec<&str> = vars
        .iter()
        .enumerate()
        .filter(|(i, (k, _))| vars[..*i].iter().any(|(other, _)| other == k))
        .map(|(_, (k, _))| k.as_str())
        .collect();
    dups.dedup();
    dups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn keys_must_be_present_and_unique() {
        let p = problems(&v(&[("a", "1"), ("", "2"), ("a", "3")]));
        assert_eq!(
            p,
            vec![
                (1, "the key is empty".into()),
                (2, "the key a appears twice".into())
            ]
        );
        assert_eq!(
            duplicate_keys(&v(&[("a", ""), ("b", ""), ("a", ""), ("a", "")])),
            vec!["a"]
        );
    }

    #[test]
    fn welcome_delay_is_a_non_negative_number() {
        assert!(problems(&v(&[(WELCOME_MESSAGE_DELAY, "1.5")])).is_empty());
        assert!(problems(&v(&[(WELCOME_MESSAGE_DELAY, "0")])).is_empty());
        assert_eq!(problems(&v(&[(WELCOME_MESSAGE_DELAY, "-1")])).len(), 1);
        assert_eq!(problems(&v(&[(WELCOME_MESSAGE_DELAY, "soon")])).len(), 1);
        assert_eq!(problems(&v(&[(WELCOME_MESSAGE_DELAY, "NaN")])).len(), 1);
    }

    #[test]
    fn any_unicode_value_is_fine() {
        assert!(problems(&v(&[(DIFY_USER, "张三 😀 \"q\"\n")])).is_empty());
    }
}

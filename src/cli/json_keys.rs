//! A JSON document's first key given twice in one object. serde_json keeps the last value
//! of a repeated key without a word; in a request body that hides a typo or a paste.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The first repeated key, with the path of the object it is in (`Variables.0`), if any.
/// Text that is not JSON gives `None`: the parser proper reports that.
pub fn first_repeated_key(text: &str) -> Option<String> {
    let mut de = serde_json::Deserializer::from_str(text);
    Walk {
        path: String::new(),
    }
    .deserialize(&mut de)
    .ok()
    .flatten()
}

struct Walk {
    path: String,
}

impl Walk {
    fn at(&self, part: &str) -> Walk {
        Walk {
            path: if self.path.is_empty() {
                part.to_owned()
            } else {
                format!("{}.{part}", self.path)
            },
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = HashSet::new();
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            let inner = map.next_value_seed(self.at(&key))?;
            if found.is_none() {
                found = if seen.insert(key.clone()) {
                    inner
                } else {
                    Some(match self.path.as_str() {
                        "" => key,
                        path => format!("{path}.{key}"),
                    })
                };
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut i = 0usize;
        while let Some(inner) = seq.next_element_seed(self.at(&i.to_string()))? {
            found = found.or(inner);
            i += 1;
        }
        Ok(found)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_found_with_their_path() {
        assert_eq!(first_repeated_key(r#"{"a":1,"b":2}"#), None);
        assert_eq!(
            first_repeated_key(r#"{"Callee":"1","Callee":"2"}"#).as_deref(),
            Some("Callee")
        );
        assert_eq!(
            first_repeated_key(r#"{"Variables":[{"Key":"a"},{"Key":"b","Key":"c"}]}"#).as_deref(),
            Some("Variables.1.Key")
        );
        assert_eq!(first_repeated_key("not json"), None);
    }
}

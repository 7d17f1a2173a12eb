//! Request parameters checked as the service checks them: unknown names, missing required
//! ones, and values of the wrong JSON type, before any action looks at them.

use serde_json::{Map, Value};

use super::reply::ApiError;

#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Int,
    UInt,
    Bool,
    Str,
    StrList,
    Obj(&'static [Field]),
    ObjList(&'static [Field]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

pub(crate) const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

pub(crate) const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

const VARIABLE: &[Field] = &[req("Key", Ty::Str), req("Value", Ty::Str)];
const SERVER_PUSH_TEXT: &[Field] = &[
    opt("Text", Ty::Str),
    opt("Interrupt", Ty::Bool),
    opt("StopAfterPlay", Ty::Bool),
    opt("Audio", Ty::Str),
    opt("DropMode", Ty::UInt),
    opt("Priority", Ty::UInt),
    opt("AddHistory", Ty::Bool),
];
const INVOKE_LLM: &[Field] = &[opt("Content", Ty::Str), opt("Interrupt", Ty::Bool)];

const SESSION: &[Field] = &[req("SdkAppId", Ty::Int), req("SessionId", Ty::Str)];
const SESSION_WINDOW: &[Field] = &[
    req("SdkAppId", Ty::Int),
    req("SessionId", Ty::Str),
    req("StartTime", Ty::Int),
    req("EndTime", Ty::Int),
];

const CREATE_AI_AGENT_CALL: &[Field] = &[
    req("SdkAppId", Ty::Int),
    req("AIAgentId", Ty::UInt),
    req("Callee", Ty::Str),
    opt("Callers", Ty::StrList),
    opt("Variables", Ty::ObjList(VARIABLE)),
    opt("PromptVariables", Ty::ObjList(VARIABLE)),
    opt("MaxRingTimeoutSecond", Ty::Int),
    opt("AcquireTimeoutSecond", Ty::Int),
];
const DESCRIBE_AI_AGENT_INFO_LIST: &[Field] = &[
    req("SdkAppId", Ty::Int),
    req("PageSize", Ty::Int),
    req("PageNumber", Ty::Int),
];
const DESCRIBE_NUMBERS: &[Field] = &[
    req("SdkAppId", Ty::UInt),
    opt("PageNumber", Ty::UInt),
    opt("PageSize", Ty::UInt),
];
const HANG_UP_CALL: &[Field] = &[req("SdkAppId", Ty::UInt), req("SessionId", Ty::Str)];
const DESCRIBE_TEL_CDR: &[Field] = &[
    req("StartTimeStamp", Ty::Int),
    req("EndTimeStamp", Ty::Int),
    req("SdkAppId", Ty::Int),
    req("PageSize", Ty::Int),
    req("PageNumber", Ty::Int),
    opt("InstanceId", Ty::Int),
    opt("Limit", Ty::Int),
    opt("Offset", Ty::Int),
    opt("Phones", Ty::StrList),
    opt("SessionIds", Ty::StrList),
];
const CONTROL_AI_CONVERSATION: &[Field] = &[
    req("SessionId", Ty::Str),
    req("SdkAppId", Ty::Int),
    opt("Command", Ty::Str),
    opt("ServerPushText", Ty::Obj(SERVER_PUSH_TEXT)),
    opt("InvokeLLM", Ty::Obj(INVOKE_LLM)),
];

/// The parameters of each action the simulator serves, or `None` for an unknown action.
pub fn schema(action: &str) -> Option<&'static [Field]> {
    Some(match action {
        "CreateAIAgentCall" => CREATE_AI_AGENT_CALL,
        "DescribeAIAgentInfoList" => DESCRIBE_AI_AGENT_INFO_LIST,
        "DescribeNumbers" => DESCRIBE_NUMBERS,
        "DescribeTelSession" | "DescribeAICallInteractionRecords" => SESSION,
        "HangUpCall" => HANG_UP_CALL,
        "DescribeTelCdr" => DESCRIBE_TEL_CDR,
        "DescribeAICallExtractResult" | "DescribeAILatency" => SESSION_WINDOW,
        "ControlAIConversation" => CONTROL_AI_CONVERSATION,
        _ => return None,
    })
}

/// Checks `params` against `fields`; `path` prefixes names in messages (`Variables.0.`).
pub fn check(fields: &[Field], params: &Map<String, Value>, path: &str) -> Result<(), ApiError> {
    for name in params.keys() {
        if !fields.iter().any(|f| f.name == name) {
            return Err(ApiError::new(
                "UnknownParameter",
                format!("The parameter `{path}{name}` is not recognized."),
            ));
        }
    }
    for f in fields {
        match params.get(f.name) {
            None | Some(Value::Null) if f.required => {
                return Err(ApiError::new(
                    "MissingParameter",
                    format!(
                        "The request is missing a required parameter `{path}{}`.",
                        f.name
                    ),
                ));
            }
            None | Some(Value::Null) => {}
            Some(v) => check_value(f.ty, v, &format!("{path}{}", f.name))?,
        }
    }
    Ok(())
}

fn check_value(ty: Ty, v: &Value, name: &str) -> Result<(), ApiError> {
    let wrong = |want: &str| {
        Err(ApiError::new(
            "InvalidParameter",
            format!(
                "The parameter `{name}` must be {want}, not {}.",
                describe(v)
            ),
        ))
    };
    match (ty, v) {
        (Ty::Int, Value::Number(n)) if n.is_i64() => Ok(()),
        (Ty::UInt, Value::Number(n)) if n.is_u64() => Ok(()),
        (Ty::UInt, Value::Number(n)) if n.is_i64() => Err(ApiError::new(
            "InvalidParameterValue",
            format!("The parameter `{name}` must not be negative, got {n}."),
        )),
        (Ty::Int | Ty::UInt, Value::Number(n)) => Err(ApiError::new(
            "InvalidParameter",
            format!("The parameter `{name}` must be a whole number, got {n}."),
        )),
        (Ty::Int, _) | (Ty::UInt, _) => wrong("an integer"),
        (Ty::Bool, Value::Bool(_)) => Ok(()),
        (Ty::Bool, _) => wrong("true or false"),
        (Ty::Str, Value::String(_)) => Ok(()),
        (Ty::Str, _) => wrong("a string"),
        (Ty::StrList, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(Ty::Str, item, &format!("{name}.{i}"))?;
            }
            Ok(())
        }
        (Ty::StrList, _) => wrong("a list of strings"),
        (Ty::Obj(fields), Value::Object(m)) => check(fields, m, &format!("{name}.")),
        (Ty::Obj(_), _) => wrong("an object"),
        (Ty::ObjList(fields), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(m) => check(fields, m, &format!("{name}.{i}."))?,
                    _ => check_value(Ty::Obj(fields), item, &format!("{name}.{i}"))?,
                }
            }
            Ok(())
        }
        (Ty::ObjList(_), _) => wrong("a list of objects"),
    }
}

/// The parameters of a form-encoded request (GET query or form body), as the JSON object a
/// JSON request would carry: `Callers.0=…` and `Variables.0.Key=…` nest, and each value takes
/// the type `fields` gives it. A value that does not parse stays a string, which `check`
/// then reports with the parameter's name.
pub fn from_form(fields: Option<&[Field]>, pairs: &[(String, String)]) -> Map<String, Value> {
    let mut tree = Map::new();
    for (key, value) in pairs {
        let path: Vec<&str> = key.split('.').collect();
        insert(&mut tree, &path, value);
    }
    let mut typed = Map::new();
    for (name, v) in tree {
        let ty = fields
            .and_then(|f| f.iter().find(|f| f.name == name))
            .map(|f| f.ty);
        typed.insert(name, typed_value(ty, v));
    }
    typed
}

fn insert(tree: &mut Map<String, Value>, path: &[&str], value: &str) {
    match path {
        [] => {}
        [last] => {
            tree.insert((*last).to_string(), Value::String(value.to_string()));
        }
        [first, rest @ ..] => {
            let child = tree
                .entry((*first).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = child {
                insert(m, rest, value);
            }
        }
    }
}

/// Objects whose keys are all indices become lists, in index order.
fn as_list(v: Value) -> Value {
    match v {
        Value::Object(m) if !m.is_empty() && m.keys().all(|k| k.parse::<usize>().is_ok()) => {
            let mut items: Vec<(usize, Value)> = m
                .into_iter()
                .filter_map(|(k, v)| k.parse().ok().map(|i| (i, v)))
                .collect();
            items.sort_by_key(|(i, _)| *i);
            Value::Array(items.into_iter().map(|(_, v)| v).collect())
        }
        other => other,
    }
}

fn typed_value(ty: Option<Ty>, v: Value) -> Value {
    let v = as_list(v);
    match (ty, v) {
        (Some(Ty::Int), Value::String(s)) => s.parse::<i64>().map_or(Value::String(s), Value::from),
        (Some(Ty::UInt), Value::String(s)) => {
            s.parse::<u64>().map_or(Value::String(s), Value::from)
        }
        (Some(Ty::Bool), Value::String(s)) => match s.as_str() {
            "true" | "True" => Value::Bool(true),
            "false" | "False" => Value::Bool(false),
            _ => Value::String(s),
        },
        (Some(Ty::Obj(fields)), Value::Object(m)) => Value::Object(from_tree(fields, m)),
        (Some(Ty::ObjList(fields)), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|item| typed_value(Some(Ty::Obj(fields)), item))
                .collect(),
        ),
        (Some(Ty::StrList), Value::Array(items)) => Value::Array(items),
        (_, v) => v,
    }
}

fn from_tree(fields: &[Field], m: Map<String, Value>) -> Map<String, Value> {
    m.into_iter()
        .map(|(name, v)| {
            let ty = fields.iter().find(|f| f.name == name).map(|f| f.ty);
            (name, typed_value(ty, v))
        })
        .collect()
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(action: &str, v: Value) -> Result<(), ApiError> {
        check(schema(action).unwrap(), v.as_object().unwrap(), "")
    }

    #[test]
    fn verdicts_name_the_parameter() {
        let e = run("DescribeTelSession", json!({"SdkAppId": 1})).unwrap_err();
        assert_eq!(e.code, "MissingParameter");
        assert!(e.message.contains("`SessionId`"));
        let e = run(
            "DescribeTelSession",
            json!({"SdkAppId": 1, "SessionId": "x", "Foo": 1}),
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.contains("`Foo`")),
            ("UnknownParameter", true)
        );
        let e = run(
            "DescribeTelSession",
            json!({"SdkAppId": "1", "SessionId": "x"}),
        )
        .unwrap_err();
        assert_eq!(e.code, "InvalidParameter");
        let e = run(
            "DescribeTelSession",
            json!({"SdkAppId": 1.5, "SessionId": "x"}),
        )
        .unwrap_err();
        assert_eq!(e.code, "InvalidParameter");
        let e = run(
            "CreateAIAgentCall",
            json!({"SdkAppId": 1, "AIAgentId": 1, "Callee": "0086", "Variables": [{"Key": "a"}]}),
        )
        .unwrap_err();
        assert_eq!(e.code, "MissingParameter");
        assert!(e.message.contains("`Variables.0.Value`"), "{}", e.message);
        let e = run("HangUpCall", json!({"SdkAppId": -1, "SessionId": "x"})).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(run("DescribeNumbers", json!({"SdkAppId": 1, "PageSize": null})).is_ok());
    }

    #[test]
    fn form_parameters_nest_and_take_their_types() {
        let pairs: Vec<(String, String)> = [
            ("SdkAppId", "1400000000"),
            ("AIAgentId", "15"),
            ("Callee", "008613012345678"),
            ("Callers.1", "b"),
            ("Callers.0", "a"),
            ("Variables.0.Key", "name"),
            ("Variables.0.Value", "Alice"),
            ("MaxRingTimeoutSecond", "x"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let schema = schema("CreateAIAgentCall");
        let m = from_form(schema, &pairs);
        assert_eq!(
            Value::Object(m.clone()),
            json!({"SdkAppId": 1400000000, "AIAgentId": 15, "Callee": "008613012345678",
                   "Callers": ["a", "b"], "Variables": [{"Key": "name", "Value": "Alice"}],
                   "MaxRingTimeoutSecond": "x"})
        );
        let e = check(schema.unwrap(), &m, "").unwrap_err();
        assert!(e.message.contains("MaxRingTimeoutSecond"), "{}", e.message);
        let push = [(
            "ServerPushText.StopAfterPlay".to_string(),
            "True".to_string(),
        )];
        let m = from_form(schema_of_control(), &push);
        assert_eq!(m["ServerPushText"]["StopAfterPlay"], true);
    }

    fn schema_of_control() -> Option<&'static [Field]> {
        schema("ControlAIConversation")
    }
}

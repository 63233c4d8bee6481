//! Declarative component parameters. A component's parameter struct is written once with the
//! `parameters!` macro; from it come `Default`, serde, a static table of names/types/docs, and
//! keyword construction that rejects unknown names and wrong types with messages that name the
//! component and list the accepted keywords.

use crate::error::{Error, Result};

/// A parameter value as it arrives from Python (or any other front end).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Value {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
        }
    }
}

/// A Rust type usable as a parameter field.
pub trait ParamType: Sized {
    /// Python-facing type name, used in stubs and error messages.
    const TYPE_NAME: &'static str;
    fn from_value(v: &Value) -> std::result::Result<Self, String>;
    fn to_value(&self) -> Value;
}

impl std::fmt::Display for Value {
    /// Python's repr of the value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }
}

fn expected(type_name: &str, v: &Value) -> String {
    format!("expected {type_name}, got {} {v}", v.kind())
}

impl ParamType for f64 {
    const TYPE_NAME: &'static str = "float";
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Float(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            _ => Err(expected(Self::TYPE_NAME, v)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}

impl ParamType for i64 {
    const TYPE_NAME: &'static str = "int";
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
            _ => Err(expected(Self::TYPE_NAME, v)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
}

impl ParamType for bool {
    const TYPE_NAME: &'static str = "bool";
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            _ => Err(expected(Self::TYPE_NAME, v)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ParamType for String {
    const TYPE_NAME: &'static str = "str";
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(expected(Self::TYPE_NAME, v)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Str(self.clone())
    }
}

/// The Python name of a field: raw identifiers (`r#type`) lose their prefix.
pub const fn param_name(field: &'static str) -> &'static str {
    let bytes = field.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'r' && bytes[1] == b'#' {
        let (_, rest) = bytes.split_at(2);
        // SAFETY: removing the ASCII prefix "r#" keeps valid UTF-8.
        unsafe { std::str::from_utf8_unchecked(rest) }
    } else {
        field
    }
}

/// One row of a parameter table.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub name: &'static str,
    pub type_name: &'static str,
    pub doc: &'static str,
}

/// Implemented by every `parameters!` struct.
pub trait Parameters: Default + Clone + Send + Sync + 'static {
    /// The component's documentation (the doc comment of the parameter struct).
    const DOC: &'static str;
    const SPEC: &'static [ParamSpec];
    /// Sets one field; `Ok(false)` if there is no such field.
    fn set(&mut self, name: &str, value: &Value) -> std::result::Result<bool, String>;
    fn get(&self, name: &str) -> Option<Value>;

    /// Builds the struct from keyword values: defaults first, then each keyword.
    fn from_kwargs(component: &str, kwargs: &[(String, Value)]) -> Result<Self> {
        let mut params = Self::default();
        for (name, value) in kwargs {
            match params.set(name, value) {
                Ok(true) => {}
                Ok(false) => return Err(unknown_keyword(component, name, Self::SPEC)),
                Err(why) => {
                    return Err(Error::parameter(format!("{component}: parameter '{name}': {why}")));
                }
            }
        }
        Ok(params)
    }

    /// All current values, in declaration order.
    fn values(&self) -> Vec<(&'static str, Value)> {
        Self::SPEC.iter().map(|s| (s.name, self.get(s.name).unwrap_or(Value::None))).collect()
    }
}

/// Error for a keyword the component does not have, with the accepted names and a suggestion.
pub fn unknown_keyword(component: &str, name: &str, spec: &[ParamSpec]) -> Error {
    let accepted: Vec<&str> = spec.iter().map(|s| s.name).collect();
    let mut msg = format!("{component}: unknown keyword '{name}'; ");
    if accepted.is_empty() {
        msg.push_str("it takes no parameters");
    } else {
        msg.push_str(&format!("accepted: {}", accepted.join(", ")));
        if let Some(best) = closest(name, &accepted) {
            msg.push_str(&format!("; did you mean '{best}'?"));
        }
    }
    Error::parameter(msg)
}

fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Declares a component's parameter struct.
///
/// ```ignore
/// parameters! {
///     /// Doc of the struct.
///     pub struct PopularityTimeFrameModelUpdaterParameters {
///         /// Length of the window.
///         pub tau: f64 = 86400.0,
///     }
/// }
/// ```
#[macro_export]
macro_rules! parameters {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                pub $field:ident : $ty:ty = $default:expr
            ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $crate::params::Parameters for $name {
            const DOC: &'static str = concat!($($sdoc, "\n"),*);
            const SPEC: &'static [$crate::params::ParamSpec] = &[
                $( $crate::params::ParamSpec {
                    name: $crate::params::param_name(stringify!($field)),
                    type_name: <$ty as $crate::params::ParamType>::TYPE_NAME,
                    doc: concat!($($fdoc),*),
                }, )*
            ];
            #[allow(unused_variables)]
            fn set(&mut self, name: &str, value: &$crate::params::Value) -> std::result::Result<bool, String> {
                $( if name == $crate::params::param_name(stringify!($field)) {
                    self.$field = <$ty as $crate::params::ParamType>::from_value(value)?;
                    return Ok(true);
                } )*
                Ok(false)
            }
            #[allow(unused_variables)]
            fn get(&self, name: &str) -> Option<$crate::params::Value> {
                $( if name == $crate::params::param_name(stringify!($field)) {
                    return Some($crate::params::ParamType::to_value(&self.$field));
                } )*
                None
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    parameters! {
        /// Test parameters.
        pub struct DemoParameters {
            /// A rate.
            pub learning_rate: f64 = 0.05,
            /// A count.
            pub dimension: i64 = 10,
            /// A mode.
            pub mode: String = "normal".to_string(),
            /// A flag.
            pub use_sigmoid: bool = false,
        }
    }

    fn kw(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn defaults_and_overrides() {
        let p = DemoParameters::from_kwargs("Demo", &kw(&[("dimension", Value::Int(3))])).unwrap();
        assert_eq!(p.dimension, 3);
        assert_eq!(p.learning_rate, 0.05);
        assert_eq!(p.mode, "normal");
        let p = DemoParameters::from_kwargs("Demo", &kw(&[("learning_rate", Value::Int(1))])).unwrap();
        assert_eq!(p.learning_rate, 1.0);
    }

    #[test]
    fn unknown_keyword_lists_accepted_and_suggests() {
        let err = DemoParameters::from_kwargs("Demo", &kw(&[("dimnsion", Value::Int(3))])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("Demo: unknown keyword 'dimnsion'"), "{msg}");
        assert!(msg.contains("accepted: learning_rate, dimension, mode, use_sigmoid"), "{msg}");
        assert!(msg.contains("did you mean 'dimension'?"), "{msg}");
    }

    #[test]
    fn wrong_type_names_parameter_and_types() {
        let err = DemoParameters::from_kwargs("Demo", &kw(&[("mode", Value::Int(3))])).unwrap_err();
        assert_eq!(err.to_string(), "Demo: parameter 'mode': expected str, got int 3");
        let err = DemoParameters::from_kwargs("Demo", &kw(&[("dimension", Value::Str("x".into()))])).unwrap_err();
        assert_eq!(err.to_string(), "Demo: parameter 'dimension': expected int, got str 'x'");
        let err = DemoParameters::from_kwargs("Demo", &kw(&[("dimension", Value::Float(2.5))])).unwrap_err();
        assert!(err.to_string().contains("expected int"));
        assert!(DemoParameters::from_kwargs("Demo", &kw(&[("use_sigmoid", Value::Str("x".into()))])).is_err());
    }

    #[test]
    fn spec_table_carries_docs_and_types() {
        let names: Vec<_> = DemoParameters::SPEC.iter().map(|s| (s.name, s.type_name)).collect();
        assert_eq!(names, vec![("learning_rate", "float"), ("dimension", "int"), ("mode", "str"), ("use_sigmoid", "bool")]);
        assert_eq!(DemoParameters::SPEC[0].doc.trim(), "A rate.");
        assert_eq!(DemoParameters::default().get("mode"), Some(Value::Str("normal".into())));
    }
}

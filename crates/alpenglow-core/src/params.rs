//! Declarative component parameters. A component's parameter struct is written once with the
//! `parameters!` macro; from it come `Default`, serde, a static table of names/types/docs, and
//! keyword construction that rejects unknown names and wrong types with messages that name the
//! component and list the accepted keywords.
//!
//! A field may declare a [`Constraint`] after its default (`= 10; where int(1..=1 << 20)`). The
//! constraint is part of the static [`ParamSpec`] table; [`Parameters::validate`] checks every
//! declared constraint (keyword construction does it, and so does every `Component::new` whose
//! parameters have constraints), and its [`Constraint::description`] is the text of the error
//! ("<Component>: parameter '<name>' must be <description>, got <value>"), of the Python
//! docstrings and of the type stubs.

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
            Value::Float(x) if x.is_nan() => f.write_str("nan"),
            Value::Float(x) if x.is_infinite() => f.write_str(if *x > 0.0 { "inf" } else { "-inf" }),
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
    /// The declared range or set of accepted values, if any.
    pub constraint: Option<Constraint>,
}

/// A bound of a float range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Unbounded,
    Included(f64),
    Excluded(f64),
}

/// The values a parameter accepts, declared with its field (see [`check`] for the
/// constructors used in declarations). Checked by [`Parameters::validate`].
#[derive(Debug, Clone, Copy)]
pub enum Constraint {
    /// An integer in `min..=max`, or the sentinel value (with what it means, e.g. -1 "from the
    /// experiment").
    Int { min: i64, max: i64, sentinel: Option<(i64, &'static str)> },
    /// A number between the bounds; NaN is always rejected, infinities when `finite`.
    Float { min: Bound, max: Bound, finite: bool },
    /// A non-empty string.
    NonEmpty,
    /// One of the listed strings.
    OneOf(&'static [&'static str]),
    /// A seed of the MINSTD generator: `seed`, `seed+1`, …, `seed+span-1` must all be 32-bit
    /// integers that do not make the generator degenerate (see [`crate::random::Random`]).
    Seed { span: i64 },
    /// A rule the other kinds cannot say.
    Custom { check: fn(&Value) -> bool, description: &'static str },
}

/// Constructors of constraints, in scope inside the `where` clause of a `parameters!` field.
pub mod check {
    pub use super::Bound;
    use super::{Constraint, Value};

    /// An integer in the range (e.g. `int(1..=1 << 20)`); add a sentinel with [`Constraint::or`].
    pub const fn int(range: std::ops::RangeInclusive<i64>) -> Constraint {
        Constraint::Int { min: *range.start(), max: *range.end(), sentinel: None }
    }
    /// An integer >= `min`.
    pub const fn int_min(min: i64) -> Constraint {
        Constraint::Int { min, max: i64::MAX, sentinel: None }
    }
    /// A number in the given bounds, finite or not.
    pub const fn float(min: Bound, max: Bound, finite: bool) -> Constraint {
        Constraint::Float { min, max, finite }
    }
    /// Any finite number.
    pub const fn finite() -> Constraint {
        float(Bound::Unbounded, Bound::Unbounded, true)
    }
    /// A finite number >= `min`.
    pub const fn finite_min(min: f64) -> Constraint {
        float(Bound::Included(min), Bound::Unbounded, true)
    }
    /// A finite number > `min`.
    pub const fn finite_above(min: f64) -> Constraint {
        float(Bound::Excluded(min), Bound::Unbounded, true)
    }
    /// A number >= `min`, infinity included.
    pub const fn number_min(min: f64) -> Constraint {
        float(Bound::Included(min), Bound::Unbounded, false)
    }
    /// A non-empty string.
    pub const fn non_empty() -> Constraint {
        Constraint::NonEmpty
    }
    /// One of the strings.
    pub const fn one_of(values: &'static [&'static str]) -> Constraint {
        Constraint::OneOf(values)
    }
    /// A valid, non-degenerate generator seed.
    pub const fn seed() -> Constraint {
        Constraint::Seed { span: 1 }
    }
    /// A seed such that `span` consecutive seeds from it are valid (models that seed several
    /// generators with seed, seed+1, …).
    pub const fn seeds(span: i64) -> Constraint {
        Constraint::Seed { span }
    }
    /// A rule with its own checker and description.
    pub const fn custom(check: fn(&Value) -> bool, description: &'static str) -> Constraint {
        Constraint::Custom { check, description }
    }
}

impl Constraint {
    /// Also accepts `value`, which means `meaning` (integer ranges only), e.g.
    /// `int(0..=MAX_ID).or(-1, "from the data")`.
    pub const fn or(self, value: i64, meaning: &'static str) -> Constraint {
        match self {
            Constraint::Int { min, max, .. } => Constraint::Int { min, max, sentinel: Some((value, meaning)) },
            _ => panic!("Constraint::or applies to integer ranges"),
        }
    }

    /// Whether the value satisfies the constraint. A value of the wrong kind does not.
    pub fn accepts(&self, value: &Value) -> bool {
        match *self {
            Constraint::Int { min, max, sentinel } => match value {
                Value::Int(i) => (min..=max).contains(i) || sentinel.is_some_and(|(s, _)| s == *i),
                _ => false,
            },
            Constraint::Float { min, max, finite } => {
                let x = match value {
                    Value::Float(x) => *x,
                    Value::Int(i) => *i as f64,
                    _ => return false,
                };
                let above = match min {
                    Bound::Unbounded => true,
                    Bound::Included(m) => x >= m,
                    Bound::Excluded(m) => x > m,
                };
                let below = match max {
                    Bound::Unbounded => true,
                    Bound::Included(m) => x <= m,
                    Bound::Excluded(m) => x < m,
                };
                !x.is_nan() && (!finite || x.is_finite()) && above && below
            }
            Constraint::NonEmpty => matches!(value, Value::Str(s) if !s.is_empty()),
            Constraint::OneOf(values) => matches!(value, Value::Str(s) if values.contains(&s.as_str())),
            Constraint::Seed { span } => match value {
                Value::Int(seed) => {
                    (0..span.max(1)).all(|k| seed.checked_add(k).is_some_and(crate::random::valid_seed))
                }
                _ => false,
            },
            Constraint::Custom { check, .. } => check(value),
        }
    }

    /// What the constraint asks for, completing "must be …".
    pub fn description(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Constraint::Int { min, max, sentinel } => {
                let range = if max == i64::MAX {
                    format!("an integer >= {min}")
                } else if min == i64::MIN {
                    format!("an integer <= {max}")
                } else if max == min {
                    format!("{min}")
                } else if max - min == 1 {
                    format!("{min} or {max}")
                } else {
                    format!("in {min}..={max}")
                };
                match sentinel {
                    Some((s, meaning)) if max - min == 1 => write!(f, "{s} ({meaning}), {range}"),
                    Some((s, meaning)) => write!(f, "{s} ({meaning}) or {range}"),
                    None => f.write_str(&range),
                }
            }
            Constraint::Float { min, max, finite } => {
                f.write_str(if finite { "a finite number" } else { "a number" })?;
                match (min, max) {
                    (Bound::Unbounded, Bound::Unbounded) => Ok(()),
                    (Bound::Included(a), Bound::Unbounded) => write!(f, " >= {a}"),
                    (Bound::Excluded(a), Bound::Unbounded) => write!(f, " > {a}"),
                    (Bound::Unbounded, Bound::Included(b)) => write!(f, " <= {b}"),
                    (Bound::Unbounded, Bound::Excluded(b)) => write!(f, " < {b}"),
                    (lo, hi) => {
                        let (open, a) = match lo {
                            Bound::Included(a) => ('[', a),
                            Bound::Excluded(a) => ('(', a),
                            Bound::Unbounded => ('(', f64::NEG_INFINITY),
                        };
                        let (close, b) = match hi {
                            Bound::Included(b) => (']', b),
                            Bound::Excluded(b) => (')', b),
                            Bound::Unbounded => (')', f64::INFINITY),
                        };
                        write!(f, " in {open}{a}, {b}{close}")
                    }
                }
            }
            Constraint::NonEmpty => f.write_str("a non-empty string"),
            Constraint::OneOf(values) => {
                let quoted: Vec<String> = values.iter().map(|v| Value::Str(v.to_string()).to_string()).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
            Constraint::Seed { span } if span <= 1 => {
                write!(f, "a 32-bit seed, not {}", crate::random::DEGENERATE_SEEDS_TEXT)
            }
            Constraint::Seed { span } => write!(
                f,
                "a 32-bit seed with seed..=seed+{} all valid seeds (32-bit, not {})",
                span - 1,
                crate::random::DEGENERATE_SEEDS_TEXT
            ),
            Constraint::Custom { description, .. } => f.write_str(description),
        }
    }
}

/// The error of a value that breaks its parameter's constraint.
pub fn constraint_error(component: &str, name: &str, constraint: &Constraint, value: &Value) -> Error {
    Error::parameter(format!("{component}: parameter '{name}' must be {constraint}, got {value}"))
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
        params.validate(component)?;
        Ok(params)
    }

    /// Checks every declared constraint, in declaration order; the error names the component,
    /// the parameter, what it must be and the value. Cross-field rules stay in `Component::new`.
    fn validate(&self, component: &str) -> Result<()> {
        for spec in Self::SPEC {
            if let Some(constraint) = &spec.constraint {
                let value = self.get(spec.name).unwrap_or(Value::None);
                if !constraint.accepts(&value) {
                    return Err(constraint_error(component, spec.name, constraint, &value));
                }
            }
        }
        Ok(())
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
///         pub tau: f64 = 86400.0; where number_min(0.0),
///         /// Without a constraint.
///         pub verbose: bool = false,
///     }
/// }
/// ```
///
/// The optional `; where <constraint>` after a default is an expression in which the
/// constructors of [`params::check`](crate::params::check) are in scope (`int(1..=10)`,
/// `int(0..=MAX_ID).or(-1, "from the data")`, `finite_min(0.0)`, `one_of(&["a", "b"])`,
/// `seed()`, …). It must be a constant.
#[macro_export]
macro_rules! parameters {
    (@constraint) => { None };
    (@constraint $check:expr) => {
        Some({
            #[allow(unused_imports)]
            use $crate::params::check::*;
            $check
        })
    };
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                pub $field:ident : $ty:ty = $default:expr $(; where $check:expr)?
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

        impl $name {
            /// Checks the declared constraints ([`Parameters::validate`](crate::params::Parameters::validate)),
            /// callable without importing the trait: every `Component::new` starts with it.
            #[allow(dead_code)]
            pub fn validate(&self, component: &str) -> $crate::error::Result<()> {
                <Self as $crate::params::Parameters>::validate(self, component)
            }
        }

        impl $crate::params::Parameters for $name {
            const DOC: &'static str = concat!($($sdoc, "\n"),*);
            const SPEC: &'static [$crate::params::ParamSpec] = &[
                $( $crate::params::ParamSpec {
                    name: $crate::params::param_name(stringify!($field)),
                    type_name: <$ty as $crate::params::ParamType>::TYPE_NAME,
                    doc: concat!($($fdoc),*),
                    constraint: $crate::parameters!(@constraint $($check)?),
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

    parameters! {
        /// Constrained parameters, one per constraint kind.
        pub struct Checked {
            /// An int range.
            pub dimension: i64 = 10; where int(1..=1 << 20),
            /// An int range with a sentinel.
            pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
            /// Two values and a sentinel.
            pub initialize_all: i64 = -1; where int(0..=1).or(-1, "from the experiment"),
            /// Finite, >= 0.
            pub rate: f64 = 0.5; where finite_min(0.0),
            /// Finite, > 0.
            pub scale: f64 = 1.0; where finite_above(0.0),
            /// Any finite number.
            pub offset: f64 = 0.0; where finite(),
            /// >= 0, infinity allowed.
            pub tau: f64 = 1.0; where number_min(0.0),
            /// A closed interval.
            pub share: f64 = 0.5; where float(Bound::Included(0.0), Bound::Excluded(1.0), true),
            /// Not empty.
            pub file_name: String = "x".to_string(); where non_empty(),
            /// One of a set.
            pub mode: String = "normal".to_string(); where one_of(&["", "normal", "inverted"]),
            /// A seed.
            pub seed: i64 = 1; where seed(),
            /// Three seeds.
            pub seed3: i64 = 1; where seeds(3),
            /// Even numbers.
            pub even: i64 = 2; where custom(|v| matches!(v, Value::Int(i) if i % 2 == 0), "an even integer"),
            /// Unconstrained.
            pub free: i64 = -7,
        }
    }

    fn check_err(name: &str, value: Value) -> Option<String> {
        Checked::from_kwargs("C", &kw(&[(name, value)])).err().map(|e| e.to_string())
    }

    fn accepts(name: &str, values: &[Value]) {
        for v in values {
            assert_eq!(check_err(name, v.clone()), None, "{name} = {v}");
        }
    }

    fn rejects(name: &str, values: &[Value]) {
        for v in values {
            let e = check_err(name, v.clone()).unwrap_or_else(|| panic!("{name} = {v} accepted"));
            assert!(e.starts_with(&format!("C: parameter '{name}' must be ")), "{e}");
            assert!(e.ends_with(&format!(", got {v}")) || v.kind() == "int", "{e}");
        }
    }

    fn description(name: &str) -> String {
        Checked::SPEC.iter().find(|s| s.name == name).and_then(|s| s.constraint).map(|c| c.description()).unwrap()
    }

    #[test]
    fn defaults_satisfy_the_constraints() {
        assert!(Checked::default().validate("C").is_ok());
        assert!(Checked::SPEC.iter().find(|s| s.name == "free").unwrap().constraint.is_none());
    }

    #[test]
    fn int_ranges_and_sentinels() {
        accepts("dimension", &[Value::Int(1), Value::Int(1 << 20), Value::Float(3.0)]);
        rejects("dimension", &[Value::Int(0), Value::Int((1 << 20) + 1), Value::Int(-1), Value::Int(i64::MIN)]);
        assert_eq!(
            check_err("dimension", Value::Int(0)).unwrap(),
            "C: parameter 'dimension' must be in 1..=1048576, got 0"
        );
        accepts("top_k", &[Value::Int(-1), Value::Int(1), Value::Int(i32::MAX as i64)]);
        rejects("top_k", &[Value::Int(0), Value::Int(-2), Value::Int(i32::MAX as i64 + 1)]);
        assert_eq!(
            check_err("top_k", Value::Int(0)).unwrap(),
            "C: parameter 'top_k' must be -1 (from the experiment) or in 1..=2147483647, got 0"
        );
        accepts("initialize_all", &[Value::Int(-1), Value::Int(0), Value::Int(1), Value::Bool(true)]);
        rejects("initialize_all", &[Value::Int(2), Value::Int(-2)]);
        assert_eq!(description("initialize_all"), "-1 (from the experiment), 0 or 1");
        assert_eq!(check::int_min(3).to_string(), "an integer >= 3");
    }

    #[test]
    fn float_ranges_reject_nan_and_infinities_when_finite() {
        accepts("rate", &[Value::Float(0.0), Value::Int(0), Value::Float(1e300)]);
        rejects("rate", &[Value::Float(-1e-300), Value::Float(f64::NAN), Value::Float(f64::INFINITY)]);
        assert_eq!(
            check_err("rate", Value::Float(f64::NAN)).unwrap(),
            "C: parameter 'rate' must be a finite number >= 0, got nan"
        );
        assert_eq!(
            check_err("rate", Value::Int(-1)).unwrap(),
            "C: parameter 'rate' must be a finite number >= 0, got -1.0"
        );
        accepts("scale", &[Value::Float(f64::MIN_POSITIVE), Value::Float(5.0)]);
        rejects("scale", &[Value::Float(0.0), Value::Float(-0.0), Value::Float(f64::INFINITY)]);
        assert_eq!(description("scale"), "a finite number > 0");
        accepts("offset", &[Value::Float(-1e300), Value::Float(0.0), Value::Float(f64::MAX)]);
        rejects("offset", &[Value::Float(f64::NAN), Value::Float(f64::NEG_INFINITY), Value::Float(f64::INFINITY)]);
        assert_eq!(description("offset"), "a finite number");
        accepts("tau", &[Value::Float(0.0), Value::Float(f64::INFINITY)]);
        rejects("tau", &[Value::Float(-0.5), Value::Float(f64::NAN), Value::Float(f64::NEG_INFINITY)]);
        assert_eq!(
            check_err("tau", Value::Float(f64::NEG_INFINITY)).unwrap(),
            "C: parameter 'tau' must be a number >= 0, got -inf"
        );
        accepts("share", &[Value::Float(0.0), Value::Float(0.999)]);
        rejects("share", &[Value::Float(1.0), Value::Float(-0.001)]);
        assert_eq!(description("share"), "a finite number in [0, 1)");
        assert_eq!(check::float(Bound::Excluded(0.5), Bound::Included(2.0), false).to_string(), "a number in (0.5, 2]");
        assert_eq!(check::float(Bound::Unbounded, Bound::Excluded(1.0), true).to_string(), "a finite number < 1");
    }

    #[test]
    fn strings_non_empty_and_one_of() {
        accepts("file_name", &[Value::Str("a".into())]);
        rejects("file_name", &[Value::Str(String::new())]);
        assert_eq!(
            check_err("file_name", Value::Str(String::new())).unwrap(),
            "C: parameter 'file_name' must be a non-empty string, got ''"
        );
        accepts("mode", &[Value::Str(String::new()), Value::Str("normal".into()), Value::Str("inverted".into())]);
        rejects("mode", &[Value::Str("Normal".into()), Value::Str("symmetric".into())]);
        assert_eq!(
            check_err("mode", Value::Str("it's".into())).unwrap(),
            "C: parameter 'mode' must be one of '', 'normal', 'inverted', got 'it\\'s'"
        );
    }

    #[test]
    fn seeds_are_32_bit_and_not_degenerate() {
        let min = i32::MIN as i64;
        accepts("seed", &[Value::Int(1), Value::Int(-1), Value::Int(-3), Value::Int(min), Value::Int(2147483646)]);
        rejects(
            "seed",
            &[Value::Int(0), Value::Int(-4), Value::Int(2147483647), Value::Int(min - 1), Value::Int(1 << 32)],
        );
        assert_eq!(
            check_err("seed", Value::Int(0)).unwrap(),
            "C: parameter 'seed' must be a 32-bit seed, not 0, -4 or 2147483647, got 0"
        );
        // seed, seed+1 and seed+2 must all be valid.
        accepts("seed3", &[Value::Int(1), Value::Int(-3), Value::Int(-7), Value::Int(2147483644), Value::Int(min)]);
        rejects("seed3", &[-6, -5, -4, -2, -1, 0, 2147483645, 2147483646, i64::MAX].map(Value::Int));
        assert_eq!(
            description("seed3"),
            "a 32-bit seed with seed..=seed+2 all valid seeds (32-bit, not 0, -4 or 2147483647)"
        );
    }

    #[test]
    fn custom_constraints_use_their_checker_and_description() {
        accepts("even", &[Value::Int(0), Value::Int(-4)]);
        rejects("even", &[Value::Int(3)]);
        assert_eq!(check_err("even", Value::Int(3)).unwrap(), "C: parameter 'even' must be an even integer, got 3");
    }

    #[test]
    fn type_errors_come_before_constraints_and_validate_checks_struct_literals() {
        assert_eq!(
            check_err("dimension", Value::Str("x".into())).unwrap(),
            "C: parameter 'dimension': expected int, got str 'x'"
        );
        let bad = Checked { scale: 0.0, seed: 0, ..Default::default() };
        // The first violation in declaration order is reported.
        assert_eq!(
            bad.validate("C").unwrap_err().to_string(),
            "C: parameter 'scale' must be a finite number > 0, got 0.0"
        );
        assert!(Checked { free: i64::MIN, ..Default::default() }.validate("C").is_ok());
    }

    #[test]
    fn spec_table_carries_docs_and_types() {
        let names: Vec<_> = DemoParameters::SPEC.iter().map(|s| (s.name, s.type_name)).collect();
        assert_eq!(
            names,
            vec![("learning_rate", "float"), ("dimension", "int"), ("mode", "str"), ("use_sigmoid", "bool")]
        );
        assert_eq!(DemoParameters::SPEC[0].doc.trim(), "A rate.");
        assert_eq!(DemoParameters::default().get("mode"), Some(Value::Str("normal".into())));
    }
}

//! Roles: the traits a component can play (a model, an updater, a logger, ...).
//!
//! The core mechanism knows no role by name. A family declares each of its roles next to the
//! trait with [`role!`](crate::role!): its registry name, how error messages describe it, and
//! the methods it shows to front ends. A component lists the roles it plays in its family's
//! `component_list!`; its handle then carries one trait object per role, keyed by the role's
//! type, over the component's one shared allocation.

use std::any::{Any, TypeId};
use std::sync::Arc;

use crate::component::{Handle, Shared};
use crate::error::{Error, Result};
use crate::record::RecDat;

/// A role, implemented by [`role!`](crate::role!) for the trait object of the role's trait
/// (for example `dyn Model`).
pub trait Role: 'static {
    /// Name in the registry ("model").
    const NAME: &'static str;
    /// How wiring errors describe it ("a model").
    const EXPECTED: &'static str;
    /// Methods that components playing this role show to front ends.
    const METHODS: &'static [Method] = &[];
}

/// What a method argument or result is, so a front end can convert it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    None,
    Bool,
    Int,
    Float,
    Str,
    /// A file path (passed as [`Arg::Str`]).
    Path,
    Bytes,
    /// A record: any object with `user`, `item` and optionally `time`, `score`, `id`, `eval`,
    /// `category` attributes.
    Record,
}

impl ArgKind {
    pub fn name(self) -> &'static str {
        match self {
            ArgKind::None => "None",
            ArgKind::Bool => "bool",
            ArgKind::Int => "int",
            ArgKind::Float => "float",
            ArgKind::Str => "str",
            ArgKind::Path => "path",
            ArgKind::Bytes => "bytes",
            ArgKind::Record => "record",
        }
    }

    fn accepts(self, arg: &Arg) -> bool {
        matches!(
            (self, arg),
            (ArgKind::None, Arg::None)
                | (ArgKind::Bool, Arg::Bool(_))
                | (ArgKind::Int, Arg::Int(_))
                | (ArgKind::Float, Arg::Float(_))
                | (ArgKind::Str | ArgKind::Path, Arg::Str(_))
                | (ArgKind::Bytes, Arg::Bytes(_))
                | (ArgKind::Record, Arg::Record(_))
        )
    }
}

/// A method argument or result.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Record(RecDat),
}

/// A method a role shows to front ends (`model.prediction(rec)` in Python).
///
/// A name starting with `_` is internal to the front end (e.g. the state used for pickling):
/// it is callable but left out of documentation and stubs.
#[derive(Debug)]
pub struct Method {
    pub name: &'static str,
    pub doc: &'static str,
    pub args: &'static [(&'static str, ArgKind)],
    pub returns: ArgKind,
    /// Called with arguments already checked against `args`; the handle plays the role.
    pub call: fn(&Handle, &[Arg]) -> Result<Arg>,
}

/// A role as the registry describes it.
#[derive(Debug, Clone, Copy)]
pub struct RoleInfo {
    pub name: &'static str,
    pub methods: &'static [Method],
}

impl RoleInfo {
    pub fn of<R: Role + ?Sized>() -> Self {
        RoleInfo { name: R::NAME, methods: R::METHODS }
    }
}

#[derive(Clone)]
struct Entry {
    type_id: TypeId,
    info: RoleInfo,
    /// An `Arc<Shared<R>>` for the entry's role `R`.
    shared: Arc<dyn Any + Send + Sync>,
}

/// The roles a component plays, each as a trait object over the component's shared allocation.
#[derive(Clone, Default)]
pub struct Roles {
    entries: Vec<Entry>,
}

impl Roles {
    /// Adds the role `R`; call as `roles.add::<dyn Model>(shared.clone())`.
    pub fn add<R: Role + ?Sized>(&mut self, shared: Arc<Shared<R>>)
    where
        Shared<R>: Send + Sync,
    {
        let type_id = TypeId::of::<R>();
        self.entries.retain(|e| e.type_id != type_id);
        self.entries.push(Entry { type_id, info: RoleInfo::of::<R>(), shared: Arc::new(shared) });
    }

    /// The component as role `R`, if it plays it.
    pub fn get<R: Role + ?Sized>(&self) -> Option<&Arc<Shared<R>>> {
        let type_id = TypeId::of::<R>();
        self.entries.iter().find(|e| e.type_id == type_id).and_then(|e| e.shared.downcast_ref::<Arc<Shared<R>>>())
    }

    /// The roles played, in the order they were added.
    pub fn infos(&self) -> impl Iterator<Item = &RoleInfo> {
        self.entries.iter().map(|e| &e.info)
    }

    /// The method `name` of any role played.
    pub fn method(&self, name: &str) -> Option<&'static Method> {
        self.entries.iter().flat_map(|e| e.info.methods.iter()).find(|m| m.name == name)
    }
}

impl Handle {
    /// The component as role `R` (for example `handle.role::<dyn Model>()`).
    pub fn role<R: Role + ?Sized>(&self) -> Option<&Arc<Shared<R>>> {
        self.roles.get::<R>()
    }

    /// The component as role `R`, or an error naming the component and the role.
    pub fn require_role<R: Role + ?Sized>(&self) -> Result<&Arc<Shared<R>>> {
        self.role::<R>().ok_or_else(|| Error::wiring(format!("{} is not {}", self.name(), R::EXPECTED)))
    }

    /// Calls the role method `name` after checking the arguments against its declaration.
    pub fn call(&self, name: &str, args: &[Arg]) -> Result<Arg> {
        let method = self.roles.method(name).ok_or_else(|| {
            Error::parameter(format!("{} has no method '{name}'", self.name()))
        })?;
        check_args(self.name(), method, args)?;
        (method.call)(self, args)
    }
}

/// The error for a call of `method` with `given` arguments, if that is the wrong number.
pub fn check_arity(component: &str, method: &Method, given: usize) -> Result<()> {
    if given == method.args.len() {
        return Ok(());
    }
    Err(Error::parameter(format!(
        "{component}.{}() takes {} argument(s) ({}), got {given}",
        method.name,
        method.args.len(),
        method.args.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    )))
}

fn check_args(component: &str, method: &Method, args: &[Arg]) -> Result<()> {
    check_arity(component, method, args.len())?;
    for ((name, kind), arg) in method.args.iter().zip(args) {
        if !kind.accepts(arg) {
            return Err(Error::parameter(format!(
                "{component}.{}(): argument '{name}' must be {}, got {arg:?}",
                method.name,
                kind.name()
            )));
        }
    }
    Ok(())
}

/// Declares a role for the trait object of a trait, next to the trait.
///
/// ```ignore
/// crate::role!(Model => "model", "a model", methods = MODEL_METHODS);
/// ```
/// The trait must be in scope. The component lists then name the role by its trait
/// (`PopularityModel => [Model]`), and wiring slots take `dyn Model`.
#[macro_export]
macro_rules! role {
    ($trait:ident => $name:literal, $expected:literal $(, methods = $methods:expr)? $(,)?) => {
        impl $crate::role::Role for dyn $trait {
            const NAME: &'static str = $name;
            const EXPECTED: &'static str = $expected;
            $( const METHODS: &'static [$crate::role::Method] = $methods; )?
        }

        impl $crate::component::FromHandle for $crate::component::Link<dyn $trait> {
            const EXPECTED: &'static str = $expected;
            fn from_handle(h: &$crate::component::Handle) -> Option<Self> {
                $crate::component::Link::from_role(h)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::{Component, Link, NoWiring, FromHandle};

    trait Speaker: Send + Sync {
        fn word(&self) -> i64;
    }

    fn word(h: &Handle, args: &[Arg]) -> Result<Arg> {
        let Arg::Int(times) = args[0] else { unreachable!("checked against the declaration") };
        Ok(Arg::Int(h.require_role::<dyn Speaker>()?.with(|s| s.word() * times)?))
    }

    const SPEAKER_METHODS: &[Method] = &[Method {
        name: "word",
        doc: "The word, times `times`.",
        args: &[("times", ArgKind::Int)],
        returns: ArgKind::Int,
        call: word,
    }];

    crate::role!(Speaker => "speaker", "a speaker", methods = SPEAKER_METHODS);

    crate::parameters! {
        /// Says 7.
        pub struct SevenParameters {}
    }

    struct Seven {
        params: SevenParameters,
        wiring: NoWiring,
    }

    impl Speaker for Seven {
        fn word(&self) -> i64 {
            7
        }
    }

    impl Component for Seven {
        const NAME: &'static str = "Seven";
        type Params = SevenParameters;
        type Wiring = NoWiring;
        fn new(params: SevenParameters) -> Result<Self> {
            Ok(Seven { params, wiring: NoWiring })
        }
        crate::component_accessors!();
    }

    fn seven(with_role: bool) -> Handle {
        let component = Seven::new(SevenParameters {}).unwrap();
        if with_role {
            crate::registry::wrap(component, |s, r| r.add::<dyn Speaker>(s.clone()))
        } else {
            crate::registry::wrap(component, |_, _| {})
        }
    }

    #[test]
    fn a_role_declared_outside_the_core_is_found_by_type() {
        let h = seven(true);
        assert_eq!(h.role::<dyn Speaker>().unwrap().with(|s| s.word()).unwrap(), 7);
        assert_eq!(h.roles.infos().map(|i| i.name).collect::<Vec<_>>(), vec!["speaker"]);
        assert!(Link::<dyn Speaker>::from_handle(&h).is_some());
        assert_eq!(<Link<dyn Speaker> as FromHandle>::EXPECTED, "a speaker");
    }

    #[test]
    fn a_component_without_the_role_is_refused() {
        let h = seven(false);
        assert!(h.role::<dyn Speaker>().is_none());
        assert!(Link::<dyn Speaker>::from_handle(&h).is_none());
        assert_eq!(h.require_role::<dyn Speaker>().err().unwrap().to_string(), "Seven is not a speaker");
    }

    #[test]
    fn methods_are_called_by_name_with_checked_arguments() {
        let h = seven(true);
        assert_eq!(h.call("word", &[Arg::Int(3)]).unwrap(), Arg::Int(21));
        let e = h.call("word", &[]).unwrap_err().to_string();
        assert_eq!(e, "Seven.word() takes 1 argument(s) (times), got 0");
        let e = h.call("word", &[Arg::Str("x".into())]).unwrap_err().to_string();
        assert_eq!(e, "Seven.word(): argument 'times' must be int, got Str(\"x\")");
        let e = h.call("shout", &[]).unwrap_err().to_string();
        assert_eq!(e, "Seven has no method 'shout'");
        assert!(seven(false).call("word", &[Arg::Int(1)]).is_err());
    }
}

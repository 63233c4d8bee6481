//! The registry of every component: name, documentation, parameter table, wiring calls and a
//! keyword constructor. Front ends (the Python package, stub and doc generators) build their
//! classes from it, so a component is declared once.
//!
//! Each family lists its components with `component_list!` in its `mod.rs`; this file only
//! concatenates the family lists.

use std::sync::{Arc, OnceLock};

use crate::component::{Component, Handle, Roles, Shared, WireSpec, Wiring};
use crate::error::Result;
use crate::params::{ParamSpec, Parameters, Value};

type Builder = Box<dyn Fn(&[(String, Value)]) -> Result<Handle> + Send + Sync>;

pub struct ComponentInfo {
    pub name: &'static str,
    pub doc: &'static str,
    pub family: &'static str,
    pub roles: &'static [&'static str],
    pub params: &'static [ParamSpec],
    pub calls: &'static [WireSpec],
    pub defaults: fn() -> Vec<(&'static str, Value)>,
    pub build: Builder,
}

impl ComponentInfo {
    pub fn of<T: Component>(
        family: &'static str,
        roles: &'static [&'static str],
        attach: fn(&Arc<Shared<T>>, &mut Roles),
    ) -> Self {
        ComponentInfo {
            name: T::NAME,
            doc: <T::Params as Parameters>::DOC,
            family,
            roles,
            params: <T::Params as Parameters>::SPEC,
            calls: <T::Wiring as Wiring>::CALLS,
            defaults: || T::Params::default().values(),
            build: Box::new(move |kwargs| {
                let params = T::Params::from_kwargs(T::NAME, kwargs)?;
                Ok(wrap(T::new(params)?, attach))
            }),
        }
    }
}

/// Wraps an already built component into a handle with its roles.
pub fn wrap<T: Component>(component: T, attach: fn(&Arc<Shared<T>>, &mut Roles)) -> Handle {
    let shared = Arc::new(Shared::new(T::NAME, component));
    let mut roles = Roles::default();
    attach(&shared, &mut roles);
    Handle::new(shared, roles)
}

/// Declares the components of a family, with the roles each plays.
#[macro_export]
macro_rules! component_list {
    ($( $ty:ty => [$($role:ident),*] ),* $(,)?) => {
        /// The components of this family, in declaration order.
        pub fn components() -> Vec<$crate::registry::ComponentInfo> {
            vec![ $(
                $crate::registry::ComponentInfo::of::<$ty>(
                    module_path!().rsplit("::").next().unwrap_or(""),
                    &[$(stringify!($role)),*],
                    |_shared, _roles| { $( _roles.$role = Some(_shared.clone()); )* },
                ),
            )* ]
        }
    };
}

/// All components of all families.
pub fn registry() -> &'static [ComponentInfo] {
    static REGISTRY: OnceLock<Vec<ComponentInfo>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut all = Vec::new();
        all.extend(crate::data::components());
        all.extend(crate::experiment::components());
        all.extend(crate::models::all_components());
        all.extend(crate::gradient::components());
        all.extend(crate::objectives::components());
        all.extend(crate::sampling::components());
        all.extend(crate::loggers::components());
        all
    })
}

pub fn find(name: &str) -> Option<&'static ComponentInfo> {
    registry().iter().find(|c| c.name == name)
}

/// Builds a component by name from keyword values.
pub fn build(name: &str, kwargs: &[(String, Value)]) -> Result<Handle> {
    match find(name) {
        Some(info) => (info.build)(kwargs),
        None => Err(crate::error::Error::parameter(format!("unknown component '{name}'"))),
    }
}

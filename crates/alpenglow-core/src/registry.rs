//! The registry of every component: name, documentation, parameter table, wiring calls and a
//! keyword constructor. Front ends (the Python package, stub and doc generators) build their
//! classes from it, so a component is declared once.
//!
//! Each family lists its components with `component_list!` in its `mod.rs`; `families.rs`
//! is the one list of those family lists. This file knows no family and no role.

use std::sync::{Arc, OnceLock};

use crate::component::{Component, Handle, Shared, WireSpec, Wiring};
use crate::error::Error;
use crate::error::Result;
use crate::params::{ParamSpec, Parameters, Value};
use crate::role::{Method, RoleInfo, Roles};

type Builder = Box<dyn Fn(&[(String, Value)]) -> Result<Handle> + Send + Sync>;

pub struct ComponentInfo {
    pub name: &'static str,
    pub doc: &'static str,
    pub family: &'static str,
    pub roles: Vec<RoleInfo>,
    pub params: &'static [ParamSpec],
    pub calls: &'static [WireSpec],
    pub defaults: fn() -> Vec<(&'static str, Value)>,
    pub build: Builder,
}

impl ComponentInfo {
    /// The role names, in declaration order.
    pub fn role_names(&self) -> Vec<&'static str> {
        self.roles.iter().map(|r| r.name).collect()
    }

    /// The methods of every role played, in declaration order.
    pub fn methods(&self) -> impl Iterator<Item = &'static Method> + '_ {
        self.roles.iter().flat_map(|r| r.methods.iter())
    }

    pub fn of<T: Component>(
        family: &'static str,
        roles: Vec<RoleInfo>,
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

/// Declares the components of a family, with the roles each plays (named by their traits,
/// which must be in scope): `PopularityModel => [Model]`.
#[macro_export]
macro_rules! component_list {
    ($( $ty:ty => [$($role:ident),*] ),* $(,)?) => {
        /// The components of this family, in declaration order.
        pub fn components() -> Vec<$crate::registry::ComponentInfo> {
            vec![ $(
                $crate::registry::ComponentInfo::of::<$ty>(
                    module_path!().rsplit("::").next().unwrap_or(""),
                    vec![$($crate::role::RoleInfo::of::<dyn $role>()),*],
                    |_shared, _roles| { $( _roles.add::<dyn $role>(_shared.clone()); )* },
                ),
            )* ]
        }
    };
}

/// All components of all families (see `families.rs`).
///
/// Two components with one name would make `find` ambiguous; `tests/registry.rs` checks
/// with [`duplicate_name`] that there are none.
pub fn registry() -> &'static [ComponentInfo] {
    static REGISTRY: OnceLock<Vec<ComponentInfo>> = OnceLock::new();
    REGISTRY.get_or_init(|| crate::families::FAMILIES.iter().flat_map(|components| components()).collect())
}

/// The first name registered twice, if any.
pub fn duplicate_name(infos: &[ComponentInfo]) -> Option<&'static str> {
    let mut seen = std::collections::HashSet::new();
    infos.iter().map(|i| i.name).find(|name| !seen.insert(*name))
}

pub fn find(name: &str) -> Option<&'static ComponentInfo> {
    registry().iter().find(|c| c.name == name)
}

/// Builds a component by name from keyword values.
pub fn build(name: &str, kwargs: &[(String, Value)]) -> Result<Handle> {
    match find(name) {
        Some(info) => (info.build)(kwargs),
        None => Err(Error::parameter(format!("unknown component '{name}'"))),
    }
}

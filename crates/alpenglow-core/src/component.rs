//! How components are held, shared, wired and checked.
//!
//! * A component lives in an `Arc<Shared<T>>`. Python handles, wiring slots and the run all hold
//!   clones of that one `Arc`, so a model shared by its updater and its logger is one object.
//! * `Shared` has a *claim* (a mutex taken once per run for the whole run, or for the duration
//!   of one call from Python) and a cell with cheap run-time borrow flags. Inside a run nothing
//!   else can hold a claim, so the per-event borrows never wait; a Python call during a run gets
//!   a clear "in use" error instead of a deadlock.
//! * Roles (model, updater, ...) are declared by their families (see [`crate::role`]); this
//!   module knows them only through the `Role` trait.
//! * Wiring (`set_model`, `add_updater`, …) is declared with [`wiring!`]: typed slots, the list
//!   of accepted calls with what they expect, required/optional/many, and the children used to
//!   walk the graph before a run.

use std::any::Any;
use std::sync::Arc;

use atomic_refcell::{AtomicRef, AtomicRefCell, AtomicRefMut};
use parking_lot::{Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::codec::{Decoder, Encoder};
use crate::params::{Parameters, Value};
use crate::role::{Role, Roles};

/// A component shared between handles. See the module docs.
pub struct Shared<T: ?Sized> {
    name: &'static str,
    claim: Mutex<()>,
    /// The parameter values, taken when the component is wrapped (parameters never change
    /// afterwards), so that reading them never touches the cell a run may be using.
    params: std::sync::OnceLock<Vec<(&'static str, Value)>>,
    cell: AtomicRefCell<T>,
}

impl<T> Shared<T> {
    pub fn new(name: &'static str, value: T) -> Self {
        Shared { name, claim: Mutex::new(()), params: std::sync::OnceLock::new(), cell: AtomicRefCell::new(value) }
    }
}

/// The error of a call that needs a component while a run (or another thread's call) holds it.
pub fn busy(name: &str) -> Error {
    Error::InUse(format!(
        "{name} is busy in a running experiment (or in a call from another thread); call this after the run"
    ))
}

impl<T: ?Sized> Shared<T> {
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Takes the claim without waiting; `None` if a run or another thread holds it.
    pub fn try_claim(&self) -> Option<MutexGuard<'_, ()>> {
        self.claim.try_lock()
    }

    fn claim_or_err(&self) -> Result<MutexGuard<'_, ()>> {
        self.try_claim().ok_or_else(|| busy(self.name))
    }

    /// Borrows for reading. Inside a run this never waits; it fails only if the wiring needs
    /// the component mutably at the same moment (a cycle), which is reported, not a panic.
    #[inline]
    pub fn borrow(&self) -> Result<AtomicRef<'_, T>> {
        self.cell.try_borrow().map_err(|_| self.reentrancy_error())
    }

    #[inline]
    pub fn borrow_mut(&self) -> Result<AtomicRefMut<'_, T>> {
        self.cell.try_borrow_mut().map_err(|_| self.reentrancy_error())
    }

    #[cold]
    fn reentrancy_error(&self) -> Error {
        Error::InUse(format!(
            "{} is needed twice at the same time; is it wired into itself or added twice?",
            self.name
        ))
    }

    /// Runs `f` on the component from outside a run (e.g. a method called from Python).
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R> {
        let _claim = self.claim_or_err()?;
        Ok(f(&*self.borrow()?))
    }

    pub fn with_mut<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R> {
        let _claim = self.claim_or_err()?;
        Ok(f(&mut *self.borrow_mut()?))
    }
}

/// Every concrete component: parameters in, checked wiring, optional per-run initialisation.
pub trait Component: Send + Sync + Sized + 'static {
    const NAME: &'static str;
    type Params: Parameters;
    type Wiring: Wiring;
    fn new(params: Self::Params) -> Result<Self>;
    fn params(&self) -> &Self::Params;
    fn wiring(&self) -> &Self::Wiring;
    fn wiring_mut(&mut self) -> &mut Self::Wiring;
    /// Called once at the start of every run, after the wiring check, with the fresh environment.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        Ok(())
    }
    /// Writes what a run changes in this component besides a model's learned state (which
    /// `Model::write` saves): random generators, counters, queues. Checkpoints call it between
    /// two records; a component whose run state is rebuilt by `initialize` writes nothing.
    fn write_state(&self, _out: &mut Encoder<'_>) -> Result<()> {
        Ok(())
    }
    /// Restores what [`Component::write_state`] wrote, after `initialize` (resumed runs).
    fn read_state(&mut self, _input: &mut Decoder<'_>) -> Result<()> {
        Ok(())
    }
}

/// The `params`/`wiring`/`wiring_mut` accessors of a component whose struct has fields named
/// `params` and `wiring` (all of them do).
#[macro_export]
macro_rules! component_accessors {
    () => {
        fn params(&self) -> &Self::Params {
            &self.params
        }
        fn wiring(&self) -> &Self::Wiring {
            &self.wiring
        }
        fn wiring_mut(&mut self) -> &mut Self::Wiring {
            &mut self.wiring
        }
    };
}

/// Type-erased view of a shared component, used to walk, claim and check the graph.
pub trait Node: Send + Sync {
    fn name(&self) -> &'static str;
    fn try_claim(&self) -> Option<MutexGuard<'_, ()>>;
    fn wire(&self, call: &str, arg: &Handle) -> Result<()>;
    fn wire_specs(&self) -> &'static [WireSpec];
    /// Checks the wiring; the caller holds the claim (a run), see `check_wiring_now` otherwise.
    fn check_wiring(&self) -> Result<()>;
    /// Checks the wiring from outside a run (takes the claim; busy during a run).
    fn check_wiring_now(&self) -> Result<()>;
    /// The wired components; the caller holds the claim.
    fn children(&self) -> Result<Vec<Handle>>;
    fn initialize(&self, env: &Environment) -> Result<()>;
    fn param_values(&self) -> Result<Vec<(&'static str, Value)>>;
    /// [`Component::write_state`] into `out`; the caller holds the claim (a run).
    fn write_state(&self, out: &mut Vec<u8>) -> Result<()>;
    /// [`Component::read_state`] from all of `bytes`; the caller holds the claim.
    fn read_state(&self, bytes: &[u8]) -> Result<()>;
}

impl<T: Component> Node for Shared<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }
    fn try_claim(&self) -> Option<MutexGuard<'_, ()>> {
        Shared::try_claim(self)
    }
    fn wire(&self, call: &str, arg: &Handle) -> Result<()> {
        self.with_mut(|c| match c.wiring_mut().wire(call, arg) {
            Ok(true) => Ok(()),
            Ok(false) => Err(unknown_call::<T>(call)),
            Err(why) => Err(Error::wiring(format!("{}.{call}: {why}", T::NAME))),
        })?
    }
    fn wire_specs(&self) -> &'static [WireSpec] {
        T::Wiring::CALLS
    }
    fn check_wiring(&self) -> Result<()> {
        match self.borrow()?.wiring().missing() {
            None => Ok(()),
            Some(spec) => Err(missing_call(T::NAME, spec)),
        }
    }
    fn check_wiring_now(&self) -> Result<()> {
        let _claim = self.claim_or_err()?;
        Node::check_wiring(self)
    }
    fn children(&self) -> Result<Vec<Handle>> {
        let mut out = Vec::new();
        self.borrow()?.wiring().children(&mut out);
        Ok(out)
    }
    fn initialize(&self, env: &Environment) -> Result<()> {
        self.borrow_mut()?.initialize(env)
    }
    fn param_values(&self) -> Result<Vec<(&'static str, Value)>> {
        if let Some(values) = self.params.get() {
            return Ok(values.clone());
        }
        self.with(|c| c.params().values())
    }
    fn write_state(&self, out: &mut Vec<u8>) -> Result<()> {
        self.borrow()?.write_state(&mut Encoder { kind: T::NAME, out })
    }
    fn read_state(&self, mut bytes: &[u8]) -> Result<()> {
        let mut input = Decoder { kind: T::NAME, input: &mut bytes };
        self.borrow_mut()?.read_state(&mut input)?;
        input.end()
    }
}

fn unknown_call<T: Component>(call: &str) -> Error {
    let calls: Vec<&str> = T::Wiring::CALLS.iter().map(|c| c.call).collect();
    if calls.is_empty() {
        Error::wiring(format!("{} has no wiring call '{call}'; it takes no components", T::NAME))
    } else {
        Error::wiring(format!("{} has no wiring call '{call}'; its wiring calls are: {}", T::NAME, calls.join(", ")))
    }
}

/// The error for a required wiring call that was never made.
pub fn missing_call(component: &str, spec: &WireSpec) -> Error {
    Error::wiring(format!(
        "{component} is not fully wired: call {component}.{}(<{}>) before running",
        spec.call, spec.expects
    ))
}

/// A reference to any component: what Python objects and wiring slots hold.
#[derive(Clone)]
pub struct Handle {
    pub node: Arc<dyn Node>,
    any: Arc<dyn Any + Send + Sync>,
    pub roles: Roles,
}

impl Handle {
    pub fn new<T: Component>(shared: Arc<Shared<T>>, roles: Roles) -> Self {
        if shared.params.get().is_none() {
            if let Ok(values) = shared.with(|c| c.params().values()) {
                let _ = shared.params.set(values);
            }
        }
        Handle { node: shared.clone(), any: shared, roles }
    }

    /// Wraps a freshly built component that plays no trait role (data, iterators, experiments).
    pub fn plain<T: Component>(component: T) -> Self {
        Handle::new(Arc::new(Shared::new(T::NAME, component)), Roles::default())
    }

    pub fn name(&self) -> &'static str {
        self.node.name()
    }

    /// Identity of the underlying component (two handles of one component are equal).
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.node) as *const () as usize
    }

    /// Makes the wiring call `call` of this component with `arg`. A reverse call
    /// (`SlotKind::Reverse`) is made on `arg` with this component instead.
    ///
    /// A call that would make a component reach itself through its wiring (a model combined
    /// with itself, two models combining each other) is refused: it would recurse forever.
    pub fn wire(&self, call: &str, arg: &Handle) -> Result<()> {
        let reverse = self.node.wire_specs().iter().find(|s| s.call == call && s.kind == SlotKind::Reverse);
        let Some(spec) = reverse else {
            refuse_cycle(self, call, arg)?;
            return self.node.wire(call, arg);
        };
        if arg.name() != spec.expects {
            return Err(Error::wiring(format!("{}.{call}: expected {}, got {}", self.name(), spec.expects, arg.name())));
        }
        refuse_cycle(arg, spec.reverse, self)?;
        arg.node.wire(spec.reverse, self)
    }

    pub fn downcast<T: Component>(&self) -> Option<Arc<Shared<T>>> {
        self.any.clone().downcast::<Shared<T>>().ok()
    }
}

/// The error for `target.call(arg)` if `arg` already reaches `target` through its wiring.
fn refuse_cycle(target: &Handle, call: &str, arg: &Handle) -> Result<()> {
    let reached = crate::experiment::run::collect_graph(arg)?;
    if reached.iter().any(|h| h.id() == target.id()) {
        let how = if arg.id() == target.id() { "itself".to_string() } else { format!("{}, which uses it", arg.name()) };
        return Err(Error::wiring(format!(
            "{}.{call}: a component cannot be wired to {how} (the wiring would form a cycle)",
            target.name()
        )));
    }
    Ok(())
}

/// A typed reference to a wired component, kept in a wiring slot.
pub struct Link<T: ?Sized> {
    pub handle: Handle,
    shared: Arc<Shared<T>>,
}

impl<T: ?Sized> Clone for Link<T> {
    fn clone(&self) -> Self {
        Link { handle: self.handle.clone(), shared: self.shared.clone() }
    }
}

impl<T: ?Sized> std::ops::Deref for Link<T> {
    type Target = Shared<T>;
    fn deref(&self) -> &Shared<T> {
        &self.shared
    }
}

/// Conversion from a handle to a typed slot value, with a description for error messages.
pub trait FromHandle: Sized {
    const EXPECTED: &'static str;
    fn from_handle(h: &Handle) -> Option<Self>;
}

impl<T: ?Sized + Role> Link<T> {
    /// The link to `h` as role `T` (used by the `FromHandle` impls that `role!` writes).
    pub fn from_role(h: &Handle) -> Option<Self> {
        h.roles.get::<T>().map(|shared| Link { handle: h.clone(), shared: shared.clone() })
    }
}

impl<T: Component> FromHandle for Link<T> {
    const EXPECTED: &'static str = T::NAME;
    fn from_handle(h: &Handle) -> Option<Self> {
        h.downcast::<T>().map(|shared| Link { handle: h.clone(), shared })
    }
}

/// How many components a wiring call takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    Required,
    Optional,
    Many,
    /// Like `Many`, but at least one call is required before a run.
    OneOrMore,
    /// A call kept for compatibility that wires the *argument* to this component: `a.call(b)`
    /// is `b.<reverse>(a)` (see [`WireSpec::reverse`] and [`Handle::wire`]).
    Reverse,
}

/// One wiring call of a component.
#[derive(Debug, Clone, Copy)]
pub struct WireSpec {
    pub call: &'static str,
    pub expects: &'static str,
    pub kind: SlotKind,
    pub doc: &'static str,
    /// For `SlotKind::Reverse`: the call made on the argument, with this component.
    pub reverse: &'static str,
}

/// Implemented by `wiring!` structs.
pub trait Wiring: Default + Send + Sync {
    const CALLS: &'static [WireSpec];
    /// Fills the slot of `call`; `Ok(false)` if there is no such call.
    fn wire(&mut self, call: &str, arg: &Handle) -> std::result::Result<bool, String>;
    fn missing(&self) -> Option<&'static WireSpec>;
    fn children(&self, out: &mut Vec<Handle>);
}

/// The wiring of a component that takes no other components.
#[derive(Default)]
pub struct NoWiring;

impl Wiring for NoWiring {
    const CALLS: &'static [WireSpec] = &[];
    fn wire(&mut self, _call: &str, _arg: &Handle) -> std::result::Result<bool, String> {
        Ok(false)
    }
    fn missing(&self) -> Option<&'static WireSpec> {
        None
    }
    fn children(&self, _out: &mut Vec<Handle>) {}
}

/// A slot of a wiring struct: `Option<Link<T>>` (one) or `Vec<Link<T>>` (many).
pub trait Slot {
    fn fill(&mut self, arg: &Handle) -> std::result::Result<(), String>;
    fn is_set(&self) -> bool;
    fn collect(&self, out: &mut Vec<Handle>);
}

fn convert<L: FromHandle>(arg: &Handle) -> std::result::Result<L, String> {
    L::from_handle(arg).ok_or_else(|| format!("expected {}, got {}", L::EXPECTED, arg.name()))
}

impl<T: ?Sized> Slot for Option<Link<T>>
where
    Link<T>: FromHandle,
{
    fn fill(&mut self, arg: &Handle) -> std::result::Result<(), String> {
        *self = Some(convert(arg)?);
        Ok(())
    }
    fn is_set(&self) -> bool {
        self.is_some()
    }
    fn collect(&self, out: &mut Vec<Handle>) {
        out.extend(self.iter().map(|l| l.handle.clone()));
    }
}

impl<T: ?Sized> Slot for Vec<Link<T>>
where
    Link<T>: FromHandle,
{
    fn fill(&mut self, arg: &Handle) -> std::result::Result<(), String> {
        self.push(convert(arg)?);
        Ok(())
    }
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
    fn collect(&self, out: &mut Vec<Handle>) {
        out.extend(self.iter().map(|l| l.handle.clone()));
    }
}

/// Fetches a required or optional slot inside component code, as a wiring error if unset.
pub fn slot<'a, T: ?Sized>(slot: &'a Option<Link<T>>, component: &str, call: &str) -> Result<&'a Link<T>> {
    slot.as_ref()
        .ok_or_else(|| Error::wiring(format!("{component} is not fully wired: call {component}.{call}(...) first")))
}

#[doc(hidden)]
#[macro_export]
macro_rules! __slot_type {
    (required $t:ty) => { Option<$crate::component::Link<$t>> };
    (optional $t:ty) => { Option<$crate::component::Link<$t>> };
    (many $t:ty) => { Vec<$crate::component::Link<$t>> };
    (one_or_more $t:ty) => { Vec<$crate::component::Link<$t>> };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __slot_kind {
    (required) => { $crate::component::SlotKind::Required };
    (optional) => { $crate::component::SlotKind::Optional };
    (many) => { $crate::component::SlotKind::Many };
    (one_or_more) => { $crate::component::SlotKind::OneOrMore };
}

/// Declares the wiring of a component.
///
/// ```ignore
/// wiring! {
///     pub struct PopularityModelUpdaterWiring {
///         /// The model to update.
///         set_model => model: required PopularityModel,
///     }
/// }
/// ```
///
/// The struct may take one type parameter, for a component generic over what it is wired to
/// (`pub struct HistoryModelUpdaterWiring<M: HistoryModel> { set_model => model: required M }`).
///
/// Slot kinds: `required`, `optional`, `many` (any number of calls) and `one_or_more`. A
/// trailing `reverse { call => target_call on Component }` block declares calls kept
/// for compatibility that wire the argument to this component (`a.call(b)` is
/// `b.target_call(a)`); they hold no slot here.
#[macro_export]
macro_rules! wiring {
    (
        pub struct $name:ident $(<$g:ident: $bound:path>)? {
            $( $(#[doc = $doc:literal])* $call:ident => $field:ident : $kind:ident $target:ty ),* $(,)?
        }
        $( reverse {
            $( $(#[doc = $rdoc:literal])* $rcall:ident => $rtarget:ident on $rty:ty ),* $(,)?
        } )?
    ) => {
        pub struct $name $(<$g: $bound>)? {
            $( pub $field: $crate::__slot_type!($kind $target), )*
        }

        impl $(<$g: $bound>)? Default for $name $(<$g>)? {
            fn default() -> Self {
                Self { $( $field: Default::default(), )* }
            }
        }

        impl $(<$g: $bound>)? $crate::component::Wiring for $name $(<$g>)? {
            const CALLS: &'static [$crate::component::WireSpec] = &[
                $( $crate::component::WireSpec {
                    call: stringify!($call),
                    expects: <$crate::component::Link<$target> as $crate::component::FromHandle>::EXPECTED,
                    kind: $crate::__slot_kind!($kind),
                    doc: concat!($($doc),*),
                    reverse: "",
                }, )*
                $($( $crate::component::WireSpec {
                    call: stringify!($rcall),
                    expects: <$crate::component::Link<$rty> as $crate::component::FromHandle>::EXPECTED,
                    kind: $crate::component::SlotKind::Reverse,
                    doc: concat!($($rdoc),*),
                    reverse: stringify!($rtarget),
                }, )*)?
            ];
            #[allow(unused_variables)]
            fn wire(&mut self, call: &str, arg: &$crate::component::Handle) -> std::result::Result<bool, String> {
                match call {
                    $( stringify!($call) => $crate::component::Slot::fill(&mut self.$field, arg).map(|_| true), )*
                    _ => Ok(false),
                }
            }
            fn missing(&self) -> Option<&'static $crate::component::WireSpec> {
                let set: &[bool] = &[ $( $crate::component::Slot::is_set(&self.$field) ),* ];
                Self::CALLS.iter().zip(set).find(|(spec, set)| {
                    matches!(spec.kind, $crate::component::SlotKind::Required | $crate::component::SlotKind::OneOrMore)
                        && !**set
                }).map(|(spec, _)| spec)
            }
            #[allow(unused_variables)]
            fn children(&self, out: &mut Vec<$crate::component::Handle>) {
                $( $crate::component::Slot::collect(&self.$field, out); )*
            }
        }
    };
}

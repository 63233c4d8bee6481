//! One Python class, `Handle`, references any core component. The Python package builds a
//! facade class per component from `registry()`, each holding a `Handle`.

use alpenglow_core::component::Handle;
use alpenglow_core::data::RecDat;
use alpenglow_core::params::Value;
use alpenglow_core::role::{Arg, ArgKind};
use alpenglow_core::{registry, Error};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};

use crate::error::PyResultA;

#[pyclass(name = "Handle", module = "alpenglow._core", frozen)]
pub struct PyHandle {
    pub handle: Handle,
}

pub(crate) fn to_value(component: &str, name: &str, obj: &Bound<'_, PyAny>) -> PyResultA<Value> {
    if obj.is_none() {
        return Ok(Value::None);
    }
    if obj.is_instance_of::<PyBool>() || obj.get_type().name().is_ok_and(|n| n.to_string().starts_with("bool")) {
        if let Ok(b) = obj.extract::<bool>() {
            return Ok(Value::Bool(b));
        }
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Value::Str(obj.extract::<String>().unwrap_or_default()));
    }
    if obj.is_instance_of::<PyInt>() {
        return obj.extract::<i64>().map(Value::Int).map_err(|_| {
            Error::parameter(format!("{component}: parameter '{name}': integer {obj} is out of range")).into()
        });
    }
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(Value::Int(i));
    }
    if let Ok(f) = obj.extract::<f64>() {
        return Ok(Value::Float(f));
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(Error::parameter(format!(
        "{component}: parameter '{name}': expected a number, bool, str or None, got {type_name}"
    ))
    .into())
}

pub fn value_to_py(py: Python<'_>, v: &Value) -> Py<PyAny> {
    match v {
        Value::None => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Int(i) => i.into_pyobject(py).map(|o| o.into_any().unbind()).unwrap_or_else(|_| py.None()),
        Value::Float(f) => f.into_pyobject(py).map(|o| o.into_any().unbind()).unwrap_or_else(|_| py.None()),
        Value::Str(s) => PyString::new(py, s).into_any().unbind(),
    }
}

/// Builds a component by name from keyword arguments.
#[pyfunction]
#[pyo3(signature = (name, kwargs = None))]
pub fn create(name: &str, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<PyHandle> {
    crate::guard::entry("create", || -> PyResultA<PyHandle> {
        let mut values = Vec::new();
        if let Some(kwargs) = kwargs {
            for (k, v) in kwargs.iter() {
                let key: String = k.extract().map_err(|_| Error::parameter(format!("{name}: keyword names must be str")))?;
                let value = to_value(name, &key, &v)?;
                values.push((key, value));
            }
        }
        Ok(PyHandle { handle: registry::build(name, &values)? })
    })
}

/// The registry as plain Python data: one dict per component.
#[pyfunction]
pub fn components(py: Python<'_>) -> PyResult<Py<PyList>> {
    crate::guard::entry("components", || -> PyResult<Py<PyList>> {
        let out = PyList::empty(py);
        for info in registry::registry() {
            let d = PyDict::new(py);
            d.set_item("name", info.name)?;
            d.set_item("doc", info.doc)?;
            d.set_item("family", info.family)?;
            d.set_item("roles", info.role_names())?;
            let methods = PyList::empty(py);
            for m in info.methods() {
                let p = PyDict::new(py);
                p.set_item("name", m.name)?;
                p.set_item("doc", m.doc)?;
                let args = PyList::empty(py);
                for (name, kind) in m.args {
                    args.append((*name, kind.name()))?;
                }
                p.set_item("args", args)?;
                p.set_item("returns", m.returns.name())?;
                methods.append(p)?;
            }
            d.set_item("methods", methods)?;
            let defaults = (info.defaults)();
            let params = PyList::empty(py);
            for (spec, (_, default)) in info.params.iter().zip(defaults.iter()) {
                let p = PyDict::new(py);
                p.set_item("name", spec.name)?;
                p.set_item("type", spec.type_name)?;
                p.set_item("doc", spec.doc.trim())?;
                p.set_item("default", value_to_py(py, default))?;
                p.set_item("constraint", spec.constraint.map(|c| c.description()))?;
                params.append(p)?;
            }
            d.set_item("params", params)?;
            let calls = PyList::empty(py);
            for c in info.calls {
                let p = PyDict::new(py);
                p.set_item("call", c.call)?;
                p.set_item("expects", c.expects)?;
                p.set_item("kind", format!("{:?}", c.kind).to_lowercase())?;
                p.set_item("doc", c.doc.trim())?;
                calls.append(p)?;
            }
            d.set_item("calls", calls)?;
            out.append(d)?;
        }
        Ok(out.unbind())
    })
}

/// A record from any object with `user`, `item` (and optionally `time`, `score`, `id`, `eval`,
/// `category`) attributes; a field of the wrong type is an error naming it (`context` names the
/// method and argument).
fn record_from(obj: &Bound<'_, PyAny>, context: &str) -> PyResult<RecDat> {
    let wrong = |name: &str, what: &str, v: &Bound<'_, PyAny>| -> PyErr {
        let type_name = v.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        let shown = v.repr().map(|r| r.to_string()).unwrap_or_default();
        let shown: String = shown.chars().take(60).collect();
        Error::parameter(format!("{context}: field '{name}' must be {what}, got {type_name} {shown}")).into_py_err()
    };
    let get_f = |name: &str, default: f64| -> PyResult<f64> {
        match obj.getattr(name) {
            Ok(v) => v.extract().map_err(|_| wrong(name, "a number", &v)),
            Err(_) => Ok(default),
        }
    };
    let get_i = |name: &str, default: i64| -> PyResult<i64> {
        match obj.getattr(name) {
            Ok(v) => v.extract().map_err(|_| wrong(name, "an integer", &v)),
            Err(_) => Ok(default),
        }
    };
    let user = get_i("user", -1)?;
    let item = get_i("item", -1)?;
    if !(0..=alpenglow_core::data::columns::MAX_ID).contains(&user)
        || !(0..=alpenglow_core::data::columns::MAX_ID).contains(&item)
    {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "a record needs non-negative integer 'user' and 'item' attributes, got user={user}, item={item}"
        )));
    }
    Ok(RecDat {
        id: get_i("id", 0)?,
        time: get_f("time", 0.0)?,
        user: user as u32,
        item: item as u32,
        score: get_f("score", 1.0)?,
        eval: get_i("eval", 1)? != 0,
        category: get_i("category", 1)?,
        index: 0,
    })
}

#[pymethods]
impl PyHandle {
    /// Name of the component class.
    #[getter]
    fn name(&self) -> &'static str {
        self.handle.name()
    }

    /// Identity of the underlying component (equal for two handles of one component).
    fn id(&self) -> usize {
        self.handle.id()
    }

    /// Makes the wiring call `call` (e.g. "set_model") with another component.
    fn wire(&self, py: Python<'_>, call: &str, other: &PyHandle) -> PyResult<()> {
        crate::guard::entry("Handle.wire", || -> PyResultA<()> {
            let (handle, arg) = (self.handle.clone(), other.handle.clone());
            let call = call.to_string();
            py.detach(move || handle.wire(&call, &arg)).map_err(Into::into)
        })
    }

    /// Current parameter values, as a dict.
    fn params(&self, py: Python<'_>) -> PyResult<Py<PyDict>> {
        crate::guard::entry("Handle.params", || -> PyResultA<Py<PyDict>> {
            let values = self.handle.node.param_values()?;
            let d = PyDict::new(py);
            for (k, v) in values {
                d.set_item(k, value_to_py(py, &v)).map_err(|e| Error::parameter(e.to_string()))?;
            }
            Ok(d.unbind())
        })
    }

    /// Raises WiringError if a required wiring call is missing.
    fn check_wiring(&self) -> PyResult<()> {
        crate::guard::entry("Handle.check_wiring", || -> PyResultA<()> { Ok(self.handle.node.check_wiring_now()?) })
    }

    /// Calls the role method `name` (see the "methods" of `components()`); each argument is
    /// converted as the method declares it, with the GIL released during the call.
    #[pyo3(signature = (name, *args))]
    fn call(&self, py: Python<'_>, name: &str, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        crate::guard::entry("Handle.call", || self.call_method(py, name, args))
    }
}

impl PyHandle {
    fn call_method(&self, py: Python<'_>, name: &str, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        let component = self.handle.name();
        let method = self.handle.roles.method(name).ok_or_else(|| {
            PyErr::from(crate::error::PyAlpenglowError(Error::parameter(format!("{component} has no method '{name}'"))))
        })?;
        alpenglow_core::role::check_arity(component, method, args.len()).map_err(|e| e.into_py_err())?;
        let mut converted = Vec::with_capacity(args.len());
        for ((arg_name, kind), obj) in method.args.iter().zip(args.iter()) {
            converted.push(to_arg(component, name, arg_name, *kind, &obj)?);
        }
        let handle = self.handle.clone();
        let name = name.to_string();
        // A Python model's hook that fails inside the call reports to the fault slot.
        let result = py
            .detach(move || {
                let _ = alpenglow_core::fault::take();
                let out = handle.call(&name, &converted);
                alpenglow_core::fault::check().and(out)
            })
            .map_err(|e| e.into_py_err())?;
        Ok(arg_to_py(py, result))
    }
}

trait IntoPyErr {
    fn into_py_err(self) -> PyErr;
}

impl IntoPyErr for Error {
    fn into_py_err(self) -> PyErr {
        crate::error::PyAlpenglowError(self).into()
    }
}

fn to_arg(component: &str, method: &str, arg_name: &str, kind: ArgKind, obj: &Bound<'_, PyAny>) -> PyResult<Arg> {
    let bad = |what: &str| -> PyErr {
        let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        Error::parameter(format!("{component}.{method}(): argument '{arg_name}' must be {what}, got {type_name}"))
            .into_py_err()
    };
    Ok(match kind {
        ArgKind::None => Arg::None,
        ArgKind::Bool => Arg::Bool(obj.extract().map_err(|_| bad("a bool"))?),
        ArgKind::Int => Arg::Int(obj.extract().map_err(|_| bad("an integer"))?),
        ArgKind::Float => Arg::Float(obj.extract().map_err(|_| bad("a number"))?),
        ArgKind::Str => Arg::Str(obj.extract().map_err(|_| bad("a str"))?),
        ArgKind::Path => {
            let path: std::path::PathBuf = obj.extract().map_err(|_| bad("a path (str or os.PathLike)"))?;
            Arg::Str(path.to_str().ok_or_else(|| bad("a UTF-8 path"))?.to_string())
        }
        ArgKind::Bytes => Arg::Bytes(obj.extract().map_err(|_| bad("bytes"))?),
        ArgKind::Record => Arg::Record(record_from(obj, &format!("{component}.{method}(): argument '{arg_name}'"))?),
    })
}

fn arg_to_py(py: Python<'_>, arg: Arg) -> Py<PyAny> {
    match arg {
        Arg::None => py.None(),
        Arg::Bool(b) => value_to_py(py, &Value::Bool(b)),
        Arg::Int(i) => value_to_py(py, &Value::Int(i)),
        Arg::Float(f) => value_to_py(py, &Value::Float(f)),
        Arg::Str(s) => value_to_py(py, &Value::Str(s)),
        Arg::Bytes(b) => pyo3::types::PyBytes::new(py, &b).into_any().unbind(),
        Arg::Record(r) => value_to_py(py, &Value::Str(format!("{r:?}"))),
    }
}

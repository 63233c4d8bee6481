//! Models and updaters written in Python: `RecDat` (the record handed to them) and the
//! callbacks through which the core calls the Python object. The core holds only a weak
//! reference to the object (a strong one would make an uncollectable cycle through the
//! object's own handle); the Python package keeps wired objects alive.

use std::sync::Arc;

use alpenglow_core::containers::train_matrix::Row;
use alpenglow_core::data::columns::MAX_ID;
use alpenglow_core::data::RecDat;
use alpenglow_core::models::python::{
    ModelCallbacks, PythonModel, PythonRankingIteratorModel, PythonToplistModel, PythonUpdater, UpdaterCallbacks,
};
use alpenglow_core::{Error, Result};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyWeakrefReference};

use crate::error::external;
use crate::handle::PyHandle;

/// A record as Python code sees it (`alpenglow.cpp.RecDat`).
#[pyclass(name = "RecDat", module = "alpenglow.cpp", get_all, set_all)]
#[derive(Clone)]
pub struct PyRecDat {
    pub user: i64,
    pub item: i64,
    pub time: f64,
    pub score: f64,
    pub id: i64,
    pub eval: i64,
    pub category: i64,
}

#[pymethods]
impl PyRecDat {
    #[new]
    #[pyo3(signature = (*, user = 0, item = 0, time = 0.0, score = 1.0, id = 0, eval = 1, category = 0))]
    fn new(user: i64, item: i64, time: f64, score: f64, id: i64, eval: i64, category: i64) -> Self {
        PyRecDat { user, item, time, score, id, eval, category }
    }

    fn __repr__(&self) -> String {
        format!(
            "RecDat(user={}, item={}, time={}, score={}, id={}, eval={}, category={})",
            self.user, self.item, self.time, self.score, self.id, self.eval, self.category
        )
    }
}

impl From<&RecDat> for PyRecDat {
    fn from(r: &RecDat) -> Self {
        PyRecDat {
            user: r.user as i64,
            item: r.item as i64,
            time: r.time,
            score: r.score,
            id: r.id,
            eval: r.eval as i64,
            category: r.category,
        }
    }
}

/// The Python object behind a component: weakly held, upgraded for every call.
struct Target {
    object: Py<PyAny>,
    weak: bool,
    /// The component name, for messages.
    component: &'static str,
    vectorised: bool,
    /// The array of the last `predict_all` call (a contiguous float64 array).
    scores: std::sync::Mutex<Option<Py<PyAny>>>,
}

impl Target {
    fn new(obj: &Bound<'_, PyAny>, component: &'static str, vectorised: bool) -> Self {
        match PyWeakrefReference::new(obj) {
            Ok(weak) => Target { object: weak.into_any().unbind(), weak: true, component, vectorised, scores: Default::default() },
            // Classes with __slots__ and no __weakref__: a strong reference (never collected).
            Err(_) => Target { object: obj.clone().unbind(), weak: false, component, vectorised, scores: Default::default() },
        }
    }

    fn get<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        if !self.weak {
            return Ok(self.object.bind(py).clone());
        }
        let weak = self.object.bind(py).cast::<PyWeakrefReference>().map_err(|e| external(e.into()))?;
        weak.upgrade().ok_or_else(|| {
            Error::wiring(format!(
                "{}: its Python object no longer exists (keep a reference to the model or updater you wire)",
                self.component
            ))
        })
    }

    /// Calls `method(*args)` on the object with the GIL held; Python errors pass through.
    fn call<T>(
        &self,
        method: &str,
        build: impl for<'py> FnOnce(Python<'py>, &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
        convert: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> Result<T>,
    ) -> Result<T> {
        Python::attach(|py| {
            let obj = self.get(py)?;
            let out = build(py, &obj).map_err(external)?;
            convert(&out).map_err(|e| match e {
                Error::Parameter(m) => Error::Parameter(format!("{}.{method}(): {m}", type_name(&obj))),
                other => other,
            })
        })
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
}

fn shown(v: &Bound<'_, PyAny>) -> String {
    let r = v.repr().map(|r| r.to_string()).unwrap_or_default();
    let r: String = r.chars().take(60).collect();
    format!("{} {r}", type_name(v))
}

fn as_float(v: &Bound<'_, PyAny>, what: &str) -> Result<f64> {
    v.extract::<f64>().map_err(|_| Error::parameter(format!("{what} must be a number, got {}", shown(v))))
}

fn as_item(v: &Bound<'_, PyAny>, what: &str) -> Result<u32> {
    match v.extract::<i64>() {
        Ok(i) if (0..=MAX_ID).contains(&i) => Ok(i as u32),
        _ => Err(Error::parameter(format!("{what} must be an item id (an integer in 0..={MAX_ID}), got {}", shown(v)))),
    }
}

fn as_pair(v: &Bound<'_, PyAny>, what: &str) -> Result<(u32, f64)> {
    let bad = || Error::parameter(format!("{what} must be an (item, score) pair, got {}", shown(v)));
    let (item, score): (Bound<'_, PyAny>, Bound<'_, PyAny>) = v.extract().map_err(|_| bad())?;
    Ok((as_item(&item, what)?, as_float(&score, what)?))
}

/// The result as a contiguous float64 array (converted only when it is not one already).
fn as_float_array<'py>(v: &Bound<'py, PyAny>) -> Result<PyReadonlyArray1<'py, f64>> {
    if let Ok(a) = v.extract::<PyReadonlyArray1<'py, f64>>()
        && a.is_contiguous()
    {
        return Ok(a);
    }
    static ASARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = v.py();
    let bad = || Error::parameter(format!("the result must be a 1-d array of scores (index = item id), got {}", shown(v)));
    let asarray = ASARRAY
        .get_or_try_init(py, || py.import("numpy").and_then(|m| m.getattr("ascontiguousarray")).map(Bound::unbind))
        .map_err(|e| external(e))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("dtype", "float64").map_err(|e| external(e))?;
    let converted = asarray.bind(py).call((v,), Some(&kwargs)).map_err(|_| bad())?;
    converted.extract::<PyReadonlyArray1<'py, f64>>().map_err(|_| bad())
}

impl ModelCallbacks for Target {
    fn in_burst(&self, burst: &mut dyn FnMut()) {
        // The calls inside find the GIL held and skip taking it.
        Python::attach(|_py| burst())
    }

    fn prediction(&self, rec: &RecDat) -> Result<f64> {
        self.call(
            "prediction",
            |py, obj| obj.call_method1(intern!(py, "prediction"), (PyRecDat::from(rec),)),
            |v| as_float(v, "the result"),
        )
    }

    fn vectorised(&self) -> bool {
        self.vectorised
    }

    fn refresh_scores(&self, rec: &RecDat) -> Result<()> {
        let kept = self.call(
            "predict_all",
            |py, obj| obj.call_method1(intern!(py, "predict_all"), (rec.user,)),
            |v| {
                let array = as_float_array(v)?;
                if array.ndim() != 1 {
                    return Err(Error::parameter("the result must be 1-d (one score per item id)"));
                }
                Ok(array.as_any().clone().unbind())
            },
        )?;
        *self.scores.lock().unwrap_or_else(|e| e.into_inner()) = Some(kept);
        Ok(())
    }

    fn with_scores(&self, read: &mut dyn FnMut(&[f64])) -> Result<()> {
        // Read in place with the GIL held: no Python code can change the array meanwhile.
        Python::attach(|py| {
            let kept = self.scores.lock().unwrap_or_else(|e| e.into_inner());
            let Some(array) = kept.as_ref() else {
                read(&[]);
                return Ok(());
            };
            let array = array.bind(py).extract::<PyReadonlyArray1<'_, f64>>().map_err(|e| external(e.into()))?;
            read(array.as_slice().map_err(|e| external(e.into()))?);
            Ok(())
        })
    }

    fn top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Result<Vec<(u32, f64)>> {
        self.call(
            "get_top_list",
            |py, obj| {
                let known = PyDict::new(py);
                if let Some(row) = exclude {
                    let mut items: Vec<u32> = row.iter().copied().collect();
                    items.sort_unstable();
                    for item in items {
                        known.set_item(item, 1.0)?;
                    }
                }
                obj.call_method1(intern!(py, "get_top_list"), (user, k, known))
            },
            |v| {
                let mut out = Vec::new();
                for (position, entry) in v.try_iter().map_err(|_| Error::parameter(format!("the result must be a list of (item, score) pairs, got {}", shown(v))))?.enumerate() {
                    let entry = entry.map_err(external)?;
                    if out.len() == k {
                        break;
                    }
                    out.push(as_pair(&entry, &format!("entry {position} of the result"))?);
                }
                Ok(out)
            },
        )
    }

    fn iterator_has_next(&self, id: u64, user: u32, bound: f64) -> Result<bool> {
        self.call(
            "iterator_has_next_",
            |py, obj| obj.call_method1(intern!(py, "iterator_has_next_"), (id, user, bound)),
            |v| v.is_truthy().map_err(external),
        )
    }

    fn iterator_get_next(&self, id: u64, user: u32) -> Result<(u32, f64)> {
        self.call(
            "iterator_get_next_",
            |py, obj| obj.call_method1(intern!(py, "iterator_get_next_"), (id, user)),
            |v| as_pair(v, "the result"),
        )
    }
}

impl UpdaterCallbacks for Target {
    fn update(&self, rec: &RecDat) -> Result<()> {
        self.call("update", |py, obj| obj.call_method1(intern!(py, "update"), (PyRecDat::from(rec),)), |_| Ok(()))
    }
}

/// Attaches the Python object `target` to a Python-model or Python-updater component: the
/// core calls its methods (`prediction`, `predict_all` when `vectorised`, `get_top_list`,
/// `iterator_has_next_`/`iterator_get_next_`, `update`).
#[pyfunction]
#[pyo3(signature = (component, target, vectorised = false))]
pub fn attach_python(py: Python<'_>, component: &PyHandle, target: &Bound<'_, PyAny>, vectorised: bool) -> PyResult<()> {
    crate::guard::entry("attach_python", || -> PyResult<()> {
        let h = &component.handle;
        let name = h.name();
        let callbacks = Arc::new(Target::new(target, name, vectorised));
        let result = py.detach(|| -> Result<()> {
            if let Some(m) = h.downcast::<PythonModel>() {
                return m.with_mut(|m| m.set_callbacks(callbacks));
            }
            if let Some(m) = h.downcast::<PythonToplistModel>() {
                return m.with_mut(|m| m.set_callbacks(callbacks));
            }
            if let Some(m) = h.downcast::<PythonRankingIteratorModel>() {
                return m.with_mut(|m| m.set_callbacks(callbacks));
            }
            if let Some(u) = h.downcast::<PythonUpdater>() {
                return u.with_mut(|u| u.set_callbacks(callbacks));
            }
            Err(Error::wiring(format!("{name} is not a Python model or updater")))
        });
        result.map_err(|e| crate::error::PyAlpenglowError(e).into())
    })
}

//! Every declared parameter constraint is enforced when a component is built through the
//! registry, with the message "<Component>: parameter '<name>' must be <description>, got <value>",
//! and the description is in the registry's parameter table.

use alpenglow_core::params::{Bound, Constraint, Value};
use alpenglow_core::registry::{self, registry};

/// A value the constraint accepts (None if this test cannot make one up).
fn valid(c: &Constraint) -> Option<Value> {
    Some(match *c {
        Constraint::Int { min, .. } => Value::Int(min),
        Constraint::Float { min, max, .. } => Value::Float(match (min, max) {
            (Bound::Included(a), _) => a,
            // A bounded open interval such as (0, 1): its midpoint.
            (Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) => (a + b) / 2.0,
            (Bound::Excluded(a), _) => a + 1.0,
            (Bound::Unbounded, Bound::Included(b)) => b,
            (Bound::Unbounded, Bound::Excluded(b)) => b - 1.0,
            (Bound::Unbounded, Bound::Unbounded) => 0.0,
        }),
        Constraint::NonEmpty => Value::Str("x".into()),
        Constraint::OneOf(values) => Value::Str(values[0].into()),
        Constraint::Seed { .. } => Value::Int(1),
        Constraint::Custom { .. } => return None,
    })
}

/// A value of the right type the constraint rejects.
fn invalid(c: &Constraint) -> Option<Value> {
    Some(match *c {
        Constraint::Int { min, sentinel, .. } if min > i64::MIN + 1 => {
            let below = min - 1;
            Value::Int(if sentinel.is_some_and(|(s, _)| s == below) { below - 1 } else { below })
        }
        Constraint::Int { .. } => return None,
        Constraint::Float { .. } => Value::Float(f64::NAN),
        Constraint::NonEmpty => Value::Str(String::new()),
        Constraint::OneOf(_) => Value::Str("no such value".into()),
        Constraint::Seed { .. } => Value::Int(0),
        Constraint::Custom { .. } => return None,
    })
}

#[test]
fn every_declared_constraint_is_enforced_by_the_registry() {
    let mut checked = 0;
    for info in registry() {
        let constrained: Vec<_> = info.params.iter().filter_map(|s| s.constraint.map(|c| (s.name, c))).collect();
        let Some(valid_kwargs) =
            constrained.iter().map(|(n, c)| valid(c).map(|v| (n.to_string(), v))).collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        for (i, (name, constraint)) in constrained.iter().enumerate() {
            let Some(bad) = invalid(constraint) else { continue };
            let mut kwargs = valid_kwargs.clone();
            kwargs[i].1 = bad.clone();
            let err = registry::build(info.name, &kwargs).err().map(|e| e.to_string()).unwrap_or_default();
            let expected = format!("{}: parameter '{name}' must be {}, got {bad}", info.name, constraint.description());
            assert_eq!(err, expected);
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} constraints checked");
}

#[test]
fn the_registry_table_describes_the_constraints() {
    let describe = |component: &str, param: &str| {
        let info = registry::find(component).unwrap();
        info.params.iter().find(|s| s.name == param).unwrap().constraint.map(|c| c.description())
    };
    assert_eq!(describe("FactorModel", "dimension").as_deref(), Some("in 1..=1048576"));
    assert_eq!(describe("FactorModelGradientUpdater", "learning_rate").as_deref(), Some("a finite number >= 0"));
    assert_eq!(
        describe("TransitionProbabilityModelUpdater", "mode").as_deref(),
        Some("one of '', 'normal', 'inverted', 'symmetric'")
    );
    assert_eq!(describe("ShuffleIterator", "seed").as_deref(), Some("a 32-bit seed, not 0, -4 or 2147483647"));
    assert_eq!(
        describe("MemoryRankingLogger", "top_k").as_deref(),
        Some("-1 (from the experiment) or in 1..=2147483647")
    );
    assert_eq!(describe("FactorModel", "use_sigmoid"), None);
}

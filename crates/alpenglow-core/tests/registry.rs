//! The registry is complete and consistent: every component implemented in `src/` is
//! registered once, under its own name, with at least one role; the core mechanism knows no
//! family.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use alpenglow_core::registry::{duplicate_name, registry};

/// Components deliberately left out of the registry, with the reason.
const NOT_REGISTERED: &[(&str, &str)] = &[];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Structs with a top-level `impl Component for X` (test doubles sit inside test modules,
/// indented, and are not components of the library), and the aliases naming the instances of
/// a generic component (`pub type PythonModel = ForeignModel<Plain>;` beside
/// `impl<K: Kind> Component for ForeignModel<K>`).
fn implemented_components() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let mut names = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("impl Component for ") {
                names.insert(rest.trim_end_matches(" {").trim().to_string());
            }
            if let Some((alias, target)) = line.strip_prefix("pub type ").and_then(|r| r.split_once(" = "))
                && let Some(generic) = target.split('<').next()
                && text.contains(&format!("> Component for {generic}<"))
            {
                names.insert(alias.trim().to_string());
            }
        }
    }
    names
}

#[test]
fn every_implemented_component_is_registered() {
    let registered: BTreeSet<&str> = registry().iter().map(|c| c.name).collect();
    let implemented = implemented_components();
    assert!(implemented.len() > 30, "the scan found too few components: {implemented:?}");
    let excused: BTreeSet<&str> = NOT_REGISTERED.iter().map(|(n, _)| *n).collect();
    let missing: Vec<&String> =
        implemented.iter().filter(|n| !registered.contains(n.as_str()) && !excused.contains(n.as_str())).collect();
    assert!(missing.is_empty(), "components not in any family's component_list! (or family not in families.rs): {missing:?}");
    for name in excused {
        assert!(implemented.contains(name), "{name} is excused from the registry but no longer exists");
        assert!(!registered.contains(name), "{name} is registered now: remove it from NOT_REGISTERED");
    }
}

#[test]
fn every_registered_name_is_its_struct_name() {
    let implemented = implemented_components();
    for info in registry() {
        assert!(implemented.contains(info.name), "{} is registered but no struct of that name implements Component", info.name);
    }
}

#[test]
fn names_are_unique() {
    assert_eq!(duplicate_name(registry()), None);
}

#[test]
fn duplicate_names_are_detected() {
    let mut twice = alpenglow_core::models::factor::components();
    twice.extend(alpenglow_core::models::factor::components());
    assert_eq!(duplicate_name(&twice), Some("FactorModel"));
}

#[test]
fn every_component_plays_a_role() {
    let roleless: Vec<&str> = registry().iter().filter(|c| c.roles.is_empty()).map(|c| c.name).collect();
    assert!(roleless.is_empty(), "components without a role: {roleless:?}");
}

#[test]
fn every_handle_carries_the_roles_its_entry_declares() {
    for info in registry() {
        // Components that need a file or data cannot be built from defaults; the others can.
        let Ok(handle) = (info.build)(&[]) else { continue };
        let played: Vec<&str> = handle.roles.infos().map(|r| r.name).collect();
        assert_eq!(played, info.role_names(), "{}", info.name);
    }
}

/// The mechanism files may use only the mechanism (and the environment a component is
/// initialised with); roles and components come from the families.
#[test]
fn the_core_mechanism_imports_no_family() {
    let allowed = ["codec", "component", "error", "params", "role", "record", "families", "registry", "experiment::Environment"];
    for file in ["component.rs", "registry.rs", "role.rs", "params.rs"] {
        let text = std::fs::read_to_string(src_dir().join(file)).unwrap();
        let body = text.split("#[cfg(test)]").next().unwrap();
        for line in body.lines().filter(|l| l.starts_with("use crate::")) {
            let path = line.trim_start_matches("use crate::").trim_end_matches(';');
            assert!(
                allowed.iter().any(|a| path == *a || path.starts_with(&format!("{a}::")) || path.starts_with(&format!("{a}{{"))),
                "{file} imports a family: {line}"
            );
        }
        assert!(!body.contains("crate::models"), "{file} names the models family");
    }
}

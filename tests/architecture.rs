//! The map matches the code (issue 11): `ARCHITECTURE.md`'s code map names every
//! top-level module of `src/`, and no merge left conflict markers in it.

use std::collections::BTreeSet;

#[test]
fn the_code_map_lists_every_module() {
    let root = env!("CARGO_MANIFEST_DIR");
    let map = std::fs::read_to_string(format!("{root}/ARCHITECTURE.md")).unwrap();
    for marker in ["<<<<<<<", ">>>>>>>"] {
        assert!(
            !map.contains(marker),
            "conflict marker {marker} in ARCHITECTURE.md"
        );
    }
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(format!("{root}/src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            modules.insert(format!("`src/{name}/`"));
        } else if name.ends_with(".rs") {
            modules.insert(format!("`src/{name}`"));
        }
    }
    let missing: Vec<_> = modules
        .iter()
        .filter(|m| !map.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not list {missing:?}"
    );
}

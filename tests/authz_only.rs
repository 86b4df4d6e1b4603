//! Access is decided in `authz` alone (issue 11): no role is compared anywhere
//! else in `src/`. The role vocabulary (`users/mod.rs`) may describe itself.

use std::path::{Path, PathBuf};

/// Lines of `src/` (outside the allowed files) that compare or match a role.
fn role_comparisons() -> Vec<String> {
    let allowed = [Path::new("src/authz.rs"), Path::new("src/users/mod.rs")];
    let comparison = [
        "== Role::",
        "!= Role::",
        "== users::Role::",
        "!= users::Role::",
        ".role ==",
        ".role !=",
        "match user.role",
        "match role",
        "matches!(user.role",
        "matches!(role",
        "Some(Role::",
    ];
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || allowed.contains(&path.as_path()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                let arm = code.trim_start().starts_with("Role::") && code.contains("=>");
                if arm || comparison.iter().any(|c| code.contains(c)) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn no_role_is_compared_outside_authz() {
    let found = role_comparisons();
    assert!(
        found.is_empty(),
        "ask authz (src/authz.rs) instead of comparing roles:\n{}",
        found.join("\n")
    );
}

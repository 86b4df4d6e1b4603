//! `boussole voc analyze`, the real binary: one JSON line out per line in.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn voc_analyze_writes_one_json_object_per_input_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boussole"))
        .args(["voc", "analyze"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "Pas satisfait : les livraisons arrivent toujours en retard.\n\
             Great support team, extremely responsive.\n\
             \n\
             <script>alert(1)</script> 😀\n"
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["language"], "fr");
    assert_eq!(lines[0]["label"], "negative");
    assert!(lines[0]["score"].as_f64().unwrap() < -0.1);
    assert!(
        lines[0]["themes"]
            .as_array()
            .unwrap()
            .contains(&"delivery".into())
    );
    assert_eq!(lines[1]["language"], "en");
    assert_eq!(lines[1]["label"], "positive");
    assert_eq!(lines[2]["label"], "neutral");
    assert!(lines[3]["score"].as_f64().unwrap().abs() <= 1.0);
}

//! `boussole voc analyze` and `boussole voc evaluate`: the text analysis on the
//! command line, without a database (pure module + standard input/output).

use std::io::{BufRead, Write};

use crate::cli::VocCommand;
use crate::voc::text::eval::{Report, evaluate, parse_labelled};
use crate::voc::text::{LABEL_THRESHOLD, Language, Taxonomy, analyze};

/// The labelled set shipped with Boussole (see src/voc/text/data/LICENSES.md for sources).
pub const LABELLED: &str = include_str!("text/data/labelled.tsv");

pub fn run(cmd: VocCommand) -> anyhow::Result<()> {
    match cmd {
        VocCommand::Analyze => analyze_lines(std::io::stdin().lock(), std::io::stdout().lock()),
        VocCommand::Evaluate { file, dev_errors } => {
            let text = match file {
                Some(path) => std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
                None => LABELLED.to_owned(),
            };
            let rows = parse_labelled(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
            let tax = Taxonomy::default();
            let dev = evaluate(rows.iter().filter(|r| !r.is_test), &tax);
            let test = evaluate(rows.iter().filter(|r| r.is_test), &tax);
            println!(
                "{} sentences; label threshold ±{LABEL_THRESHOLD}; even rows tune (dev), odd rows are held out (test)\n",
                rows.len()
            );
            print("dev half (tuned on)", &dev);
            print("test half (held out)", &test);
            if dev_errors {
                print_errors("dev", &dev);
            }
            print_errors("test", &test);
            Ok(())
        }
    }
}

/// One JSON line per input line; empty lines give a neutral result, so that the
/// output lines up with the input line for line.
pub fn analyze_lines(input: impl BufRead, mut out: impl Write) -> anyhow::Result<()> {
    let tax = Taxonomy::default();
    for line in input.lines() {
        let line = line?;
        let a = analyze(&line, &tax);
        serde_json::to_writer(&mut out, &a)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn print(name: &str, r: &Report) {
    println!("== {name}: {} sentences ==", r.n);
    println!("language accuracy   {:.3}", r.language_accuracy());
    println!(
        "sentiment accuracy  {:.3}  (fr {:.3}, en {:.3})",
        r.sentiment_accuracy(),
        r.sentiment_accuracy_for(Language::French),
        r.sentiment_accuracy_for(Language::English)
    );
    println!("confusion (rows = expected, columns = found)");
    println!("              neg  neu  pos");
    for (name, row) in ["negative", "neutral ", "positive"].iter().zip(r.confusion) {
        println!("    {name}  {:>3}  {:>3}  {:>3}", row[0], row[1], row[2]);
    }
    println!(
        "themes precision {:.3}, recall {:.3}\n",
        r.theme_precision(),
        r.theme_recall()
    );
}

fn print_errors(name: &str, r: &Report) {
    println!("-- misclassified, {name} half --");
    for (row, found, score) in &r.errors {
        println!(
            "[{}] expected {:<8} found {:<8} {:+.3}  {}",
            row.lang.code(),
            row.label.code(),
            found.code(),
            score,
            row.text
        );
    }
    println!();
}

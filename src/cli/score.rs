//! `evalgate score`: the trajectory scorer on JSONL pairs, streaming (DESIGN §4).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use super::{PASS, USAGE};

pub(super) fn score(input: &Path) -> u8 {
    let reader: Box<dyn BufRead> = if input == Path::new("-") {
        Box::new(BufReader::new(std::io::stdin().lock()))
    } else {
        match std::fs::File::open(input) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", input.display());
                return USAGE;
            }
        }
    };
    let name = if input == Path::new("-") {
        "<stdin>".to_string()
    } else {
        input.display().to_string()
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = match line.map(crate::input::decode) {
            Ok(Ok(l)) => l,
            Ok(Err(bad)) => {
                eprintln!("error: {name}:{}:{}: {bad}", i + 1, bad.column);
                return USAGE;
            }
            Err(e) => {
                eprintln!("error: {name}:{}: cannot read: {e}", i + 1);
                return USAGE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match crate::scorer::score_pair_line(&line) {
            Ok(scored) => {
                if writeln!(out, "{scored}").is_err() {
                    // stdout closed (e.g. piped into `head`): stop quietly.
                    return PASS;
                }
            }
            Err(e) => {
                let _ = out.flush();
                eprintln!("error: {name}:{}: {e}", i + 1);
                return USAGE;
            }
        }
    }
    let _ = out.flush();
    PASS
}

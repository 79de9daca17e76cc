//! Embeds the numbered SQL files of `migrations/server/sqlite/` and `migrations/server/postgres/`
//! at build time, one generated table per backend.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (backend, title) in [("sqlite", "SQLite"), ("postgres", "PostgreSQL")] {
        let dir = manifest.join("../../migrations/server").join(backend);
        let table = embed(&dir, title);
        std::fs::write(out.join(format!("{backend}_migrations.rs")), table)
            .expect("write the migrations table");
    }
}

/// The Rust source of `MIGRATIONS: &[(version, name, SQL)]` for the files in `dir`.
fn embed(dir: &Path, title: &str) -> String {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(u32, String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} exists: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .map(|p| {
            let stem = p
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 file name")
                .to_owned();
            let (num, _) = stem
                .split_once('_')
                .expect("migration names are NNNN_title.sql");
            let version: u32 = num.parse().expect("migration names start with a number");
            println!("cargo:rerun-if-changed={}", p.display());
            (version, stem, p)
        })
        .collect();
    files.sort();
    for (i, (v, name, _)) in files.iter().enumerate() {
        assert_eq!(
            *v as usize,
            i + 1,
            "{title} migration {name} is out of sequence: numbers must be 1, 2, 3..."
        );
    }
    let mut out = format!(
        "/// Embedded {title} migrations, in order: (version, name, SQL).\npub static MIGRATIONS: &[(u32, &str, &str)] = &[\n"
    );
    for (v, name, path) in &files {
        let _ = writeln!(
            out,
            "    ({v}, {name:?}, include_str!({:?})),",
            path.canonicalize().expect("readable").display().to_string()
        );
    }
    out.push_str("];\n");
    out
}

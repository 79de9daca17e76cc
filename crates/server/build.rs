//! Embeds the numbered SQL files of `migrations/server/sqlite/` at build time.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../../migrations/server/sqlite");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(u32, String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("migrations/server/sqlite exists")
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
            "migration {name} is out of sequence: numbers must be 1, 2, 3..."
        );
    }
    let mut out = String::from(
        "/// Embedded SQLite migrations, in order: (version, name, SQL).\npub static MIGRATIONS: &[(u32, &str, &str)] = &[\n",
    );
    for (v, name, path) in &files {
        let _ = writeln!(
            out,
            "    ({v}, {name:?}, include_str!({:?})),",
            path.canonicalize().expect("readable").display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("sqlite_migrations.rs");
    std::fs::write(dest, out).expect("write sqlite_migrations.rs");
}

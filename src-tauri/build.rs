//! Build script of the desktop package: tauri-build reads `tauri.conf.json` (beside the root
//! `Cargo.toml`), checks `frontendDist` and the icons, and generates the capability/ACL code.
fn main() {
    tauri_build::build();
}

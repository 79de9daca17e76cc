//! `partnerforge-desktop`: the PartnerForge desktop app. Everything lives in the library
//! (`src-tauri/src/lib.rs`) so tests and tools can reach it; this only starts it.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    match partnerforge_desktop::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("partnerforge-desktop: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

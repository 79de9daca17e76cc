//! The real app under WebDriver: its binary, `tauri-driver` on a free port in its own process
//! group (dropped: the driver, WebKitWebDriver and the app all end), a session with the app's
//! arguments and environment, and screenshots.

use std::error::Error;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// A binary chosen by the caller (the bench prefers the release build).
static APP_OVERRIDE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Runs `path` instead of the test build (first call wins).
#[allow(dead_code)]
pub fn set_app_binary(path: PathBuf) {
    let _ = APP_OVERRIDE.set(path);
}

pub type TestResult<T = ()> = Result<T, Box<dyn Error + Send + Sync>>;

/// Starts tauri-driver with `env` (inherited by the app) and opens a session running the app
/// with `args`.
pub async fn launch(args: &[&str], env: &[(&str, &str)]) -> TestResult<(TauriDriver, Client)> {
    let app = app_binary()?;
    let driver = TauriDriver::start(env)?;
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app, "args": args }),
    );
    let client = ClientBuilder::rustls()?
        .capabilities(caps)
        .connect(&driver.url())
        .await?;
    Ok((driver, client))
}

/// Saves `NAME.png` into `$PF_SCREENSHOT_DIR` when it is set (for the README and for eyes).
pub async fn screenshot(client: &Client, name: &str) -> TestResult {
    if let Some(dir) = std::env::var_os("PF_SCREENSHOT_DIR") {
        let png = client.screenshot().await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
    }
    Ok(())
}

/// The custom-protocol build of the app, as an absolute path: `$PF_DESKTOP_BIN`, else the binary
/// cargo built for this test run (which has the embedded UI only with `--features
/// custom-protocol`; without it the app would load the dev server URL).
pub fn app_binary() -> TestResult<PathBuf> {
    if let Some(path) = APP_OVERRIDE.get() {
        return Ok(path.clone());
    }
    let path = match std::env::var_os("PF_DESKTOP_BIN") {
        Some(bin) => PathBuf::from(bin),
        None if cfg!(feature = "custom-protocol") => {
            PathBuf::from(env!("CARGO_BIN_EXE_partnerforge-desktop"))
        }
        None => {
            return Err(
                "the app must embed the UI: run with `--features custom-protocol` \
                        (after `trunk build --config ui/Trunk.toml`), or set PF_DESKTOP_BIN"
                    .into(),
            );
        }
    };
    let path = std::path::absolute(&path)?;
    if !path.is_file() {
        return Err(format!(
            "no app binary at {}: run `trunk build --config ui/Trunk.toml && cargo build \
             -p partnerforge-desktop --features custom-protocol`, or set PF_DESKTOP_BIN",
            path.display()
        )
        .into());
    }
    Ok(path)
}

/// `tauri-driver` on a free port, in its own process group; dropping it ends the group (the
/// driver, WebKitWebDriver and the app) even when the test fails.
pub struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    pub fn start(env: &[(&str, &str)]) -> TestResult<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new(tauri_driver_binary());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(env.iter().copied())
            .stdout(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(|e| {
            format!("cannot start tauri-driver ({e}): `cargo install tauri-driver`")
        })?;
        let driver = Self { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > Duration::from_secs(20) {
                return Err("tauri-driver did not listen within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver; then make sure the group is gone.
        #[cfg(unix)]
        {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tauri_driver_binary() -> PathBuf {
    let name = "tauri-driver";
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    on_path
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|home| PathBuf::from(home).join(".cargo").join("bin").join(name))
                .filter(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from(name))
}

pub fn free_port() -> TestResult<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

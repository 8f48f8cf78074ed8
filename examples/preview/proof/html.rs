//! The email's HTML as a browser renders it: headless `chromium
//! --print-to-pdf`, when installed. Without it (or when it fails or takes
//! too long) the proof says why the rendering was left out.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long chromium may take for one email.
const LIMIT: Duration = Duration::from_secs(60);

/// The HTML printed to PDF by chromium, or why not. `html` is written to a
/// private temporary folder; chromium runs with its own profile there.
pub fn render(html: &str, label: &str) -> Result<Vec<u8>, String> {
    let dir = std::env::temp_dir().join(format!(
        "vellum-proof-{}-{}",
        std::process::id(),
        label
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = print(html, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn print(html: &str, dir: &Path) -> Result<Vec<u8>, String> {
    let page = dir.join("email.html");
    let out = dir.join("email.pdf");
    std::fs::write(&page, html).map_err(|e| format!("{}: {e}", page.display()))?;
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "chromium is not installed".to_owned(),
            _ => format!("chromium did not start: {e}"),
        })?;
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("chromium took more than {} s", LIMIT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if !status.success() {
        return Err(format!("chromium failed ({status})"));
    }
    std::fs::read(&out).map_err(|e| format!("chromium wrote no PDF: {e}"))
}

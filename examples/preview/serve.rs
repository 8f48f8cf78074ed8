//! `preview serve`: a local web page that shows every channel of a design
//! for a sample customer (or a pasted record), side by side, and re-renders
//! when a design or brand file is saved.
//!
//! The server is tiny_http (synchronous, a few small crates) on 127.0.0.1
//! only. The client names designs and samples by the names the server
//! listed; anything else is a 404. Rendering runs under `catch_unwind`, so a
//! panic becomes an error message, never a dropped connection.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tiny_http::{Header, Method, Request, Response, Server};
use vellum::{Channels, ComposeOptions, Design, Pipeline, PipelineOptions, decide};

/// The page: HTML with its script inline (allowed by the script's hash).
const PAGE: &str = include_str!("page.html");
/// Largest record a client may post.
const BODY_LIMIT: usize = 256 * 1024;
/// How often the watcher looks at the templates' files.
const POLL: Duration = Duration::from_millis(200);
/// Rendered first pages kept for the page to fetch.
const PNG_CACHE: usize = 32;

pub struct Args {
    templates: PathBuf,
    port: u16,
}

pub fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut templates = None;
    let mut port = 8040;
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                let s = it.next().ok_or("--port needs a number")?;
                port = s
                    .parse()
                    .map_err(|_| format!("--port: {s:?} is not a port number"))?;
            }
            other if other.starts_with('-') => return Err(format!("unknown argument {other:?}")),
            other if templates.is_none() => templates = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Args {
        templates: templates.unwrap_or_else(|| PathBuf::from("templates")),
        port,
    })
}

struct State {
    templates: PathBuf,
    version: AtomicU64,
    pngs: Mutex<(u64, BTreeMap<u64, Vec<u8>>)>,
    csp: String,
}

pub fn serve(args: Args) -> Result<(), String> {
    if !args.templates.is_dir() {
        return Err(format!("{} is not a folder", args.templates.display()));
    }
    let server = Server::http(("127.0.0.1", args.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or("no TCP address")?;
    let state = Arc::new(State {
        templates: args.templates.clone(),
        version: AtomicU64::new(1),
        pngs: Mutex::new((0, BTreeMap::new())),
        csp: csp(PAGE),
    });
    // A panic while rendering is reported to the page as an error; its
    // message goes to the server's stderr, one line, not to the client.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("preview: panic while rendering: {info}");
    }));
    {
        let state = state.clone();
        std::thread::spawn(move || watch(&state));
    }
    println!("preview: http://127.0.0.1:{port}/");
    eprintln!(
        "preview: serving the designs of {} (live reload on save)",
        args.templates.display()
    );
    let server = Arc::new(server);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let server = server.clone();
            let state = state.clone();
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    handle(&state, req);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// The Content-Security-Policy: this origin only, the page's one inline
/// script by its hash, inline styles (the email's own) allowed.
fn csp(page: &str) -> String {
    let mut hashes = String::new();
    let mut rest = page;
    while let Some(start) = rest.find("<script>") {
        let after = &rest[start + 8..];
        let Some(end) = after.find("</script>") else {
            break;
        };
        let digest = Sha256::digest(&after.as_bytes()[..end]);
        hashes.push_str(&format!(" 'sha256-{}'", base64(&digest)));
        rest = &after[end..];
    }
    format!(
        "default-src 'none'; script-src{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Bumps the version when any file under the templates folder is added,
/// removed or saved (by its modification time and size).
fn watch(state: &State) {
    let mut last = fingerprint(&state.templates);
    loop {
        std::thread::sleep(POLL);
        let now = fingerprint(&state.templates);
        if now != last {
            last = now;
            state.version.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn fingerprint(dir: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                if depth < 8 {
                    stack.push((e.path(), depth + 1));
                }
            } else if out.len() < 20_000 {
                out.push((e.path(), meta.modified().ok(), meta.len()));
            }
        }
    }
    out.sort();
    out
}

/// The designs: folders of the templates folder with a design.toml, each
/// with its samples (`samples/*.json`, by file stem).
fn designs(templates: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(templates) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !p.join("design.toml").is_file() {
            continue;
        }
        let mut samples: Vec<String> = std::fs::read_dir(p.join("samples"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|s| {
                let sp = s.path();
                if sp.extension().and_then(|x| x.to_str()) != Some("json") || !sp.is_file() {
                    return None;
                }
                sp.file_stem().and_then(|x| x.to_str()).map(str::to_owned)
            })
            .collect();
        samples.sort();
        out.insert(name.to_owned(), samples);
    }
    out
}

fn handle(state: &State, mut req: Request) {
    let url = req.url().to_owned();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_owned(), parse_query(q)),
        None => (url.clone(), HashMap::new()),
    };
    let method = req.method().clone();
    let reply = match (&method, path.as_str()) {
        (Method::Get, "/") => Reply::new(200, "text/html; charset=utf-8", PAGE.as_bytes().to_vec()),
        (Method::Get, "/api/version") => Reply::json(
            200,
            &json!({ "version": state.version.load(Ordering::SeqCst) }),
        ),
        (Method::Get, "/api/designs") => {
            let list: Vec<Value> = designs(&state.templates)
                .into_iter()
                .map(|(id, samples)| json!({ "id": id, "samples": samples }))
                .collect();
            Reply::json(200, &json!({ "designs": list }))
        }
        (Method::Get, "/api/preview") => match lookup(state, &query, true) {
            Ok((dir, Some(sample))) => {
                let record = std::fs::read_to_string(&sample)
                    .map_err(|e| format!("{}: {e}", sample.display()))
                    .and_then(|t| {
                        serde_json::from_str::<Value>(&t)
                            .map_err(|e| format!("{}: {e}", sample.display()))
                    });
                match record {
                    Ok(r) => {
                        let mut v = preview(state, &dir, &r);
                        v["input"] = r;
                        Reply::json(200, &v)
                    }
                    Err(e) => Reply::json(200, &json!({ "error": e })),
                }
            }
            Ok((_, None)) => Reply::error(400, "a sample is needed"),
            Err(r) => r,
        },
        (Method::Post, "/api/preview") => match lookup(state, &query, false) {
            Ok((dir, _)) => match read_body(&mut req) {
                Ok(body) => match serde_json::from_slice::<Value>(&body) {
                    Ok(r) if r.is_object() => Reply::json(200, &preview(state, &dir, &r)),
                    Ok(_) => {
                        Reply::json(400, &json!({ "error": "the record must be a JSON object" }))
                    }
                    Err(e) => Reply::json(
                        400,
                        &json!({ "error": format!("the record is not JSON: {e}") }),
                    ),
                },
                Err(r) => r,
            },
            Err(r) => r,
        },
        (Method::Get, p) if p.starts_with("/api/png/") => {
            let id: Option<u64> = p["/api/png/".len()..].parse().ok();
            let pngs = state.pngs.lock().unwrap_or_else(|e| e.into_inner());
            match id.and_then(|id| pngs.1.get(&id)) {
                Some(png) => Reply::new(200, "image/png", png.clone()),
                None => Reply::error(404, "no such page"),
            }
        }
        (Method::Get, p) if p.starts_with("/assets/") => asset(state, &p["/assets/".len()..]),
        (Method::Get, _) | (Method::Post, _) => Reply::error(404, "not found"),
        _ => Reply::error(405, "method not allowed"),
    };
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    for (k, v) in [
        ("Content-Type", reply.content_type.as_str()),
        ("Content-Security-Policy", state.csp.as_str()),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
    ] {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = req.respond(response);
}

struct Reply {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type: content_type.to_owned(),
            body,
        }
    }
    fn json(status: u16, v: &Value) -> Reply {
        Reply::new(status, "application/json", v.to_string().into_bytes())
    }
    fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &json!({ "error": message }))
    }
}

/// The design folder (and sample file) the query names, by the names
/// [`designs`] lists; nothing the client sends becomes a path.
fn lookup(
    state: &State,
    query: &HashMap<String, String>,
    want_sample: bool,
) -> Result<(PathBuf, Option<PathBuf>), Reply> {
    let all = designs(&state.templates);
    let name = query.get("design").map(String::as_str).unwrap_or("");
    let Some((id, samples)) = all.get_key_value(name) else {
        return Err(Reply::error(404, "no such design"));
    };
    let dir = state.templates.join(id);
    if !want_sample {
        return Ok((dir, None));
    }
    let sample = query.get("sample").map(String::as_str).unwrap_or("");
    match samples.iter().find(|s| *s == sample) {
        Some(s) => {
            let file = dir.join("samples").join(format!("{s}.json"));
            Ok((dir, Some(file)))
        }
        None => Err(Reply::error(404, "no such sample")),
    }
}

/// The body, at most [`BODY_LIMIT`] bytes: 413 beyond (the rest is read and
/// dropped, up to a bound, so the client sees the answer).
fn read_body(req: &mut Request) -> Result<Vec<u8>, Reply> {
    let too_large = || Reply::error(413, "the record is larger than 256 KB");
    if req.body_length().is_some_and(|n| n > BODY_LIMIT) {
        let _ = std::io::copy(
            &mut req.as_reader().take(16 * 1024 * 1024),
            &mut std::io::sink(),
        );
        return Err(too_large());
    }
    let mut body = Vec::new();
    let reader = req.as_reader();
    if reader
        .take(BODY_LIMIT as u64 + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return Err(Reply::error(400, "could not read the request body"));
    }
    if body.len() > BODY_LIMIT {
        let _ = std::io::copy(&mut reader.take(16 * 1024 * 1024), &mut std::io::sink());
        return Err(too_large());
    }
    Ok(body)
}

/// A brand image of a listed design, by a file name listed in its brand folder.
fn asset(state: &State, rest: &str) -> Reply {
    let not_found = || Reply::error(404, "not found");
    let Some((design, file)) = rest.split_once('/') else {
        return not_found();
    };
    let (design, file) = (percent_decode(design), percent_decode(file));
    if !designs(&state.templates).contains_key(&design) {
        return not_found();
    }
    let Ok(d) = catch_unwind(|| Design::load(state.templates.join(&design))) else {
        return not_found();
    };
    let Ok(d) = d else { return not_found() };
    let Ok(entries) = std::fs::read_dir(d.brand_dir()) else {
        return not_found();
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.file_name().and_then(|n| n.to_str()) != Some(file.as_str()) {
            continue;
        }
        let ty = match p.extension().and_then(|x| x.to_str()) {
            Some("png") => "image/png",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("gif") => "image/gif",
            _ => return not_found(),
        };
        return match std::fs::read(&p) {
            Ok(b) => Reply::new(200, ty, b),
            Err(_) => not_found(),
        };
    }
    not_found()
}

/// Everything the page shows for one record of one design; a design error
/// or a panic becomes `error`.
fn preview(state: &State, dir: &Path, record: &Value) -> Value {
    let version = state.version.load(Ordering::SeqCst);
    match catch_unwind(AssertUnwindSafe(|| render(state, dir, record))) {
        Ok(mut v) => {
            v["version"] = json!(version);
            v
        }
        Err(_) => json!({
            "version": version,
            "error": "vellum failed while rendering this record (an internal error; \
                      the server's log has the details). Other records and designs still work.",
        }),
    }
}

fn render(state: &State, dir: &Path, record: &Value) -> Value {
    let design = match Design::load(dir) {
        Ok(d) => d,
        Err(e) => return json!({ "error": e.to_string() }),
    };
    let id = design.id().to_owned();
    let mut out = json!({
        "design": id,
        "name": design.manifest().name,
        "record": design.record_id(record),
        "approval": {
            "text": design.approval().to_string(),
            "state": design.approval(),
        },
        "sender": sender(design.brand_dir()),
    });
    out["explain"] = match decide(&design, record, &ComposeOptions::default()) {
        Ok(d) => json!(d.to_string()),
        Err(e) => json!(format!("no decision: {e}")),
    };
    let options = PipelineOptions::default()
        .channels(Channels::Design)
        .asset_base_url(format!("/assets/{id}"))
        .png_dpi(80.0);
    let pipeline = match Pipeline::new(&design, options) {
        Ok(p) => p,
        Err(e) => {
            out["error"] = json!(e.to_string());
            return out;
        }
    };
    let outcome = pipeline.run(record);
    let failures: Vec<String> = outcome.failures().map(ToString::to_string).collect();
    out["failures"] = json!(failures);
    if let Some(doc) = &outcome.document {
        out["to"] = json!({ "name": doc.name, "email": doc.email, "phone": doc.phone });
    }
    if let Some(m) = outcome.email() {
        out["email"] = json!({
            "subject": m.subject,
            "preheader": m.preheader,
            "html": m.html,
            "text": m.text,
        });
    }
    if let Some(s) = outcome.sms() {
        out["sms"] = json!({
            "text": s.text,
            "encoding": s.encoding,
            "characters": s.text.chars().count(),
            "units": s.units,
            "segments": s.segments,
        });
    }
    if let Some(pdf) = outcome.pdf() {
        let png = pdf.png_first_page.as_ref().map(|png| {
            let mut cache = state.pngs.lock().unwrap_or_else(|e| e.into_inner());
            cache.0 += 1;
            let n = cache.0;
            cache.1.insert(n, png.clone());
            while cache.1.len() > PNG_CACHE {
                cache.1.pop_first();
            }
            format!("/api/png/{n}")
        });
        out["pdf"] = json!({ "pages": pdf.pages, "png": png });
    }
    out
}

/// The sender name: the brand's `name`.
fn sender(brand: &Path) -> Option<String> {
    let text = std::fs::read_to_string(brand.join("brand.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table.get("name")?.as_str().map(str::to_owned)
}

fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

//! `preview serve`: a local web page that shows every channel of a design
//! for a sample customer (or a pasted, uploaded or form-edited record), side
//! by side, with email checks and test sends, and re-renders when a design
//! or brand file is saved.
//!
//! The server is tiny_http (synchronous, a few small crates) on 127.0.0.1
//! only. The client names designs and samples by the names the server
//! listed; anything else is a 404. Rendering runs under `catch_unwind`, so a
//! panic becomes an error message, never a dropped connection.

#[path = "checks.rs"]
mod checks;
#[path = "http.rs"]
mod http;
#[path = "send.rs"]
mod send;
#[path = "view.rs"]
mod view;
#[path = "watch.rs"]
mod watch;

use std::collections::{BTreeMap, HashMap};
use std::panic::catch_unwind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tiny_http::{Header, Method, Request, Response, Server};
use vellum::Design;

use http::{Reply, json_object, parse_query, percent_decode, read_body};
use view::{Cache, lock};

/// The page: HTML with its script inline (allowed by the script's hash).
const PAGE: &str = include_str!("page.html");

pub struct Args {
    templates: PathBuf,
    port: u16,
    transports: send::Transports,
}

pub fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut templates = None;
    let mut port = 8040;
    let mut transports = send::Transports::default();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().ok_or(format!("{flag} needs a value"));
        match a.as_str() {
            "--port" => {
                let s = value("--port")?;
                port = s
                    .parse()
                    .map_err(|_| format!("--port: {s:?} is not a port number"))?;
            }
            "--smtp" => transports.smtp = Some(send::parse_smtp(&value("--smtp")?)?),
            "--sms-dir" => transports.sms_dir = Some(PathBuf::from(value("--sms-dir")?)),
            other if other.starts_with('-') => return Err(format!("unknown argument {other:?}")),
            other if templates.is_none() => templates = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Args {
        templates: templates.unwrap_or_else(|| PathBuf::from("templates")),
        port,
        transports,
    })
}

struct State {
    templates: PathBuf,
    version: Arc<AtomicU64>,
    cache: Mutex<Cache>,
    transports: send::Transports,
    csp: String,
    /// The port listened on, for the Host and Origin checks.
    port: u16,
    /// Email checks waiting for the checks thread, and the newest preview
    /// asked about: older ones are answered without running the tools.
    checks: Mutex<std::sync::mpsc::Sender<(u64, Request)>>,
    newest_checked: AtomicU64,
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
    let (checks_tx, checks_rx) = std::sync::mpsc::channel();
    let state = Arc::new(State {
        templates: args.templates.clone(),
        version: Arc::new(AtomicU64::new(1)),
        cache: Mutex::new(Cache::default()),
        transports: args.transports,
        csp: http::csp(PAGE),
        port,
        checks: Mutex::new(checks_tx),
        newest_checked: AtomicU64::new(0),
    });
    {
        let state = state.clone();
        std::thread::spawn(move || run_checks(&state, &checks_rx));
    }
    // A panic while rendering is reported to the page as an error; its
    // message goes to the server's stderr, one line, not to the client.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("preview: panic while rendering: {info}");
    }));
    let (dir, version) = (args.templates.clone(), state.version.clone());
    std::thread::spawn(move || watch::watch(&dir, &version));
    println!("preview: http://127.0.0.1:{port}/");
    eprintln!(
        "preview: serving the designs of {} (live reload on save)",
        args.templates.display()
    );
    let server = Arc::new(server);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (server, state) = (server.clone(), state.clone());
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
        if p.join("design.toml").is_file() {
            out.insert(name.to_owned(), samples(&p.join("samples")));
        }
    }
    out
}

fn samples(dir: &Path) -> Vec<String> {
    let mut samples: Vec<String> = std::fs::read_dir(dir)
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
    samples
}

fn handle(state: &State, mut req: Request) {
    let url = req.url().to_owned();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_owned(), parse_query(q)),
        None => (url.clone(), HashMap::new()),
    };
    let method = req.method().clone();
    let reply = match http::refuse_foreign(&req, state.port) {
        Some(refused) => refused,
        None => {
            if let (Method::Get, Some(id)) = (&method, path.strip_prefix("/api/checks/")) {
                return queue_checks(state, id, req);
            }
            route(state, &method, &path, &query, &mut req)
        }
    };
    respond(state, req, reply);
}

/// Email checks take seconds (node, SpamAssassin): they run on a thread of
/// their own, so previews never wait behind them.
fn queue_checks(state: &State, id: &str, req: Request) {
    let id = id.parse::<u64>().ok();
    let Some(id) = id.filter(|id| lock(&state.cache).get(*id).is_some()) else {
        return respond(
            state,
            req,
            Reply::error(404, "this preview is gone; the page fetches a new one"),
        );
    };
    state.newest_checked.fetch_max(id, Ordering::SeqCst);
    let _ = lock(&state.checks).send((id, req));
}

fn run_checks(state: &State, queue: &std::sync::mpsc::Receiver<(u64, Request)>) {
    while let Ok((id, req)) = queue.recv() {
        let reply = if id < state.newest_checked.load(Ordering::SeqCst) {
            Reply::error(409, "a newer preview was checked instead")
        } else {
            with_kept(state, &id.to_string(), |r| {
                Reply::json(200, &checks::checks(r))
            })
        };
        respond(state, req, reply);
    }
}

fn route(
    state: &State,
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
    req: &mut Request,
) -> Reply {
    match (method, path) {
        (Method::Get, "/") => Reply::new(200, "text/html; charset=utf-8", PAGE.as_bytes().to_vec()),
        (Method::Get, "/api/version") => Reply::json(
            200,
            &json!({ "version": state.version.load(Ordering::SeqCst) }),
        ),
        (Method::Get, "/api/designs") => designs_reply(state),
        (Method::Get, "/api/preview") => preview_sample(state, query),
        (Method::Get, "/api/proof") => proof(state, query),
        (Method::Post, "/api/preview") => preview_posted(state, query, req),
        (Method::Get, p) if p.starts_with("/api/png/") => png(state, &p["/api/png/".len()..]),
        (Method::Post, p) if p.starts_with("/api/send/") => send_test(state, p, req),
        (Method::Get, p) if p.starts_with("/assets/") => asset(state, &p["/assets/".len()..]),
        (Method::Get, _) | (Method::Post, _) => Reply::error(404, "not found"),
        _ => Reply::error(405, "method not allowed"),
    }
}

fn respond(state: &State, req: Request, reply: Reply) {
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

fn designs_reply(state: &State) -> Reply {
    let list: Vec<Value> = designs(&state.templates)
        .into_iter()
        .map(|(id, samples)| json!({ "id": id, "samples": samples }))
        .collect();
    Reply::json(
        200,
        &json!({ "designs": list, "send": send::describe(&state.transports) }),
    )
}

fn render(state: &State, dir: &Path, record: &Value, query: &HashMap<String, String>) -> Value {
    let locale = query
        .get("locale")
        .map(String::as_str)
        .filter(|l| !l.is_empty());
    let version = state.version.load(Ordering::SeqCst);
    view::preview(dir, record, locale, &state.cache, version)
}

fn preview_sample(state: &State, query: &HashMap<String, String>) -> Reply {
    let (dir, sample) = match lookup(state, query, true) {
        Ok((dir, Some(sample))) => (dir, sample),
        Ok((_, None)) => return Reply::error(400, "a sample is needed"),
        Err(r) => return r,
    };
    let name = sample.display();
    let record = std::fs::read_to_string(&sample)
        .map_err(|e| format!("{name}: {e}"))
        .and_then(|t| {
            serde_json::from_str::<Value>(&t)
                .map_err(|e| format!("{name}:{}:{}: {e}", e.line(), e.column()))
        });
    match record {
        Ok(r) => {
            let mut v = render(state, &dir, &r, query);
            v["input"] = r;
            Reply::json(200, &v)
        }
        Err(e) => Reply::json(200, &json!({ "error": e })),
    }
}

fn preview_posted(state: &State, query: &HashMap<String, String>, req: &mut Request) -> Reply {
    let result = lookup(state, query, false).and_then(|(dir, _)| {
        let body = read_body(req)?;
        Ok((dir, json_object(&body, "the record")?))
    });
    match result {
        Ok((dir, record)) => Reply::json(200, &render(state, &dir, &record, query)),
        Err(r) => r,
    }
}

/// Runs `f` on the kept preview numbered by the start of `rest`.
fn with_kept(state: &State, rest: &str, f: impl FnOnce(&view::Rendered) -> Reply) -> Reply {
    let id = rest.split('/').next().and_then(|s| s.parse().ok());
    let kept = id.and_then(|id| lock(&state.cache).get(id));
    match kept {
        Some(r) => match catch_unwind(std::panic::AssertUnwindSafe(|| f(&r))) {
            Ok(reply) => reply,
            Err(_) => Reply::error(
                500,
                "vellum failed on this request (the server's log has the details)",
            ),
        },
        None => Reply::error(404, "this preview is gone; the page fetches a new one"),
    }
}

/// `/api/png/<preview>/<page>`: a page of a kept preview's letter.
fn png(state: &State, rest: &str) -> Reply {
    let page: Option<usize> = rest.split('/').nth(1).and_then(|s| s.parse().ok());
    with_kept(state, rest, |r| {
        match page
            .and_then(|p| p.checked_sub(1))
            .and_then(|p| r.pages.get(p))
        {
            Some(png) => Reply::new(200, "image/png", png.clone()),
            None => Reply::error(404, "no such page"),
        }
    })
}

/// `POST /api/send/<preview>` with `{"channel": "email"|"sms", "to": "..."}`.
fn send_test(state: &State, path: &str, req: &mut Request) -> Reply {
    let body = match read_body(req).and_then(|b| json_object(&b, "the send request")) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let channel = body["channel"].as_str().unwrap_or("").to_owned();
    let to = body["to"].as_str().unwrap_or("").to_owned();
    with_kept(state, &path["/api/send/".len()..], |r| {
        match send::send(&state.transports, r, &channel, &to) {
            Ok(done) => Reply::json(200, &json!({ "sent": done })),
            Err(e) => Reply::json(200, &json!({ "error": e })),
        }
    })
}

/// The approver's proof PDF of the design the query names (its samples,
/// chosen to cover every rule outcome; see `preview proof`). Takes seconds
/// (chromium prints each email), on one of the request threads.
fn proof(state: &State, query: &HashMap<String, String>) -> Reply {
    let dir = match lookup(state, query, false) {
        Ok((dir, _)) => dir,
        Err(reply) => return reply,
    };
    let made = catch_unwind(|| crate::proof::proof_pdf(&dir, None));
    match made {
        Ok(Ok((pdf, _))) => Reply::new(200, "application/pdf", pdf),
        Ok(Err(message)) => Reply::new(422, "text/plain; charset=utf-8", message.into_bytes()),
        Err(_) => Reply::error(
            500,
            "the proof failed inside vellum; the server's log says where",
        ),
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
    let Ok(Ok(d)) = catch_unwind(|| Design::load(state.templates.join(&design))) else {
        return not_found();
    };
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

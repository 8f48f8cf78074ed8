//! "Send a test": the current customer's email through SMTP or SMS into a
//! folder, marked TEST, only to the address typed in the page.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use vellum::deliver::{Body, DirTransport, Message, MessageOptions, Transport};
use vellum::deliver::{SmtpOptions, SmtpTls, SmtpTransport};
use vellum::model::Channel;
use vellum::{Channels, Design, Pipeline, PipelineOptions};

use super::view::{Rendered, brand_name};

/// Where test sends go: set by `--smtp host:port` and `--sms-dir DIR`.
#[derive(Default, Clone)]
pub struct Transports {
    pub smtp: Option<(String, u16)>,
    pub sms_dir: Option<PathBuf>,
}

/// `host:port` of `--smtp`.
pub fn parse_smtp(s: &str) -> Result<(String, u16), String> {
    let bad = || format!("--smtp: {s:?} is not host:port");
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    let port = port.parse().map_err(|_| bad())?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_owned(), port))
}

/// What the page shows beside the send box: which transports there are.
pub fn describe(t: &Transports) -> Value {
    json!({
        "email": t.smtp.as_ref().map(|(h, p)| format!("SMTP {h}:{p}")),
        "sms": t.sms_dir.as_ref().map(|d| format!("folder {}", d.display())),
        "how": "start the preview with --smtp host:port (e.g. a local mail catcher on \
                127.0.0.1:1025) for email, --sms-dir <folder> for SMS",
    })
}

/// Sends the preview's `channel` to `to`, marked TEST: the answer to show.
pub fn send(t: &Transports, r: &Rendered, channel: &str, to: &str) -> Result<String, String> {
    let to = to.trim();
    if to.is_empty() {
        return Err("type the address to send the test to".into());
    }
    match channel {
        "email" => {
            let (host, port) = t.smtp.as_ref().ok_or(
                "no SMTP server configured: start the preview with --smtp host:port \
                 (e.g. a local mail catcher on 127.0.0.1:1025)",
            )?;
            let mut o = SmtpOptions::new(host, *port);
            o.tls = SmtpTls::None;
            o.pool_size = 1;
            o.timeout = Duration::from_secs(15);
            let smtp = SmtpTransport::new(&o).map_err(|e| e.to_string())?;
            let m = message(r, Channel::Email, Some(to), true)?;
            let receipt = smtp.send(&m).map_err(|e| format!("SMTP: {e}"))?;
            Ok(format!(
                "test email sent to {to} via {host}:{port} (server: {})",
                receipt.id
            ))
        }
        "sms" => {
            let dir = t
                .sms_dir
                .as_ref()
                .ok_or("no SMS transport configured: start the preview with --sms-dir <folder>")?;
            let transport = DirTransport::new(dir).map_err(|e| e.to_string())?;
            let m = message(r, Channel::Sms, Some(to), true)?;
            transport.send(&m).map_err(|e| format!("SMS: {e}"))?;
            Ok(format!("test SMS to {to} written to {}", dir.display()))
        }
        other => Err(format!("cannot send a test on {other:?}")),
    }
}

/// The message vellum would send on `channel` for the preview's record: to
/// `to` instead of the customer's address when given, marked TEST when `test`.
pub fn message(
    r: &Rendered,
    channel: Channel,
    to: Option<&str>,
    test: bool,
) -> Result<Message, String> {
    let design = Design::load(&r.dir).map_err(|e| e.to_string())?;
    let options = PipelineOptions::default().channels(Channels::Design);
    let pipeline = Pipeline::new(&design, options).map_err(|e| e.to_string())?;
    let mut doc = pipeline.document(&r.record).map_err(|f| f.message)?;
    if test {
        doc.subject = format!("[TEST] {}", doc.subject);
        doc.sms = doc.sms.map(|s| format!("TEST: {s}"));
    }
    match (channel, to) {
        (Channel::Email, Some(to)) => doc.email = Some(to.to_owned()),
        (Channel::Sms, Some(to)) => doc.phone = Some(to.to_owned()),
        _ => {}
    }
    let name = brand_name(design.brand_dir()).unwrap_or_else(|| "vellum preview".into());
    let mut options = MessageOptions::new("preview-test", &name, "preview@localhost");
    // A test send: its unsubscribe link is signed with a key of its own.
    options.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::generate().map_err(|e| e.to_string())?);
    let comm = pipeline
        .communication_for(&doc, &[channel], false, &options)
        .map_err(|e| e.to_string())?;
    comm.message(channel)
        .cloned()
        .ok_or_else(|| format!("the design has no {} for this customer", channel.name()))
}

/// The raw email vellum would send (for SpamAssassin).
pub fn raw_email(r: &Rendered) -> Result<Vec<u8>, String> {
    let m = message(r, Channel::Email, Some("customer@example.org"), false)?;
    match &m.body {
        Body::Email(e) => Ok(e.raw.to_vec()),
        _ => Err("not an email".into()),
    }
}

//! Messages: a rendered communication becomes one message per channel, each
//! with its recipient, its body as the backend will carry it, and an
//! idempotency key (design + version + customer + run + channel) that the
//! ledger uses to send it effectively once.
//!
//! Email is built here, not in a backend, with lettre's builder: the same
//! bytes go to the SMTP server, the directory backend and (after a crash) to
//! the server again, with the same `Message-ID`.

mod address;
mod hash;
mod unsubscribe;

use std::sync::Arc;
use std::time::SystemTime;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::design::Design;
use crate::error::Result;
use crate::model::Channel;
use crate::model::DeliveryError;
use crate::model::Document;
use crate::model::Paper;
use crate::render::{Email, Pdf, PrintChunk, Sms, SmsEncoding};

pub use self::unsubscribe::{Claims, KeyError, TokenError, UnsubscribeKey, sign, verify};

/// The sender of emails: a display name and an address.
#[derive(Debug, Clone)]
pub struct Sender {
    /// Display name, e.g. "Northwind Energy".
    pub name: String,
    /// Address, e.g. `billing@northwind.example`.
    pub address: String,
}

/// DKIM signing for outgoing email (feature `dkim`).
///
/// The signature covers `From`, `Reply-To`, `To`, `Subject`, `Date`,
/// `Message-ID`, `MIME-Version` and, on marketing mail, `List-Unsubscribe`
/// and `List-Unsubscribe-Post` (RFC 8058 asks for them to be signed); the
/// body hash covers every part and attachment. Not `Content-Type`: lettre
/// writes a multipart message's `Content-Type` with the body, after signing,
/// so a signature naming it does not verify (checked with dkimpy). Headers
/// a message does not have are still named in the signature, so nobody can
/// add them on the way. Canonicalization is relaxed/relaxed, which survives
/// relays that re-fold headers.
///
/// ```no_run
/// # fn main() -> Result<(), vellum::Error> {
/// let key = std::fs::read_to_string("dkim-ed25519.key").unwrap();
/// let mut options = vellum::deliver::MessageOptions::new("2026-11", "Northwind Energy", "billing@northwind.example");
/// options.dkim = Some(vellum::deliver::Dkim::ed25519("mail2026", "northwind.example", key.trim())?);
/// # Ok(()) }
/// ```
#[cfg(feature = "dkim")]
#[derive(Clone)]
pub struct Dkim(Arc<lettre::message::dkim::DkimConfig>);

#[cfg(feature = "dkim")]
impl Dkim {
    /// The headers every signature covers.
    pub const SIGNED_HEADERS: &'static [&'static str] = &[
        "From",
        "Reply-To",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "MIME-Version",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    ];

    /// Ed25519 signing (RFC 8463) with `selector._domainkey.domain`; the key
    /// is the 32-byte private seed in base64.
    pub fn ed25519(selector: &str, domain: &str, key_base64: &str) -> Result<Dkim> {
        Dkim::new(
            selector,
            domain,
            key_base64,
            lettre::message::dkim::DkimSigningAlgorithm::Ed25519,
        )
    }

    /// RSA-SHA256 signing with `selector._domainkey.domain`; the key is a
    /// PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`).
    pub fn rsa(selector: &str, domain: &str, pkcs1_pem: &str) -> Result<Dkim> {
        Dkim::new(
            selector,
            domain,
            pkcs1_pem,
            lettre::message::dkim::DkimSigningAlgorithm::Rsa,
        )
    }

    fn new(
        selector: &str,
        domain: &str,
        key: &str,
        algorithm: lettre::message::dkim::DkimSigningAlgorithm,
    ) -> Result<Dkim> {
        use lettre::message::dkim::{
            DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningKey,
        };
        let config_error = |message: String| -> crate::Error {
            crate::ErrorKind::Config {
                what: format!("DKIM key for `{selector}._domainkey.{domain}`"),
                message,
            }
            .into()
        };
        let label_ok = |s: &str| {
            !s.is_empty()
                && s.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        };
        if !label_ok(selector) || !label_ok(domain) {
            return Err(config_error(
                "the selector and domain must be DNS names (letters, digits, `-`, `.`)".into(),
            ));
        }
        let key = DkimSigningKey::new(key, algorithm).map_err(|e| {
            config_error(format!(
                "not a valid {} private key: {e:?}",
                match algorithm {
                    lettre::message::dkim::DkimSigningAlgorithm::Rsa => "RSA (PKCS#1 PEM)",
                    lettre::message::dkim::DkimSigningAlgorithm::Ed25519 =>
                        "Ed25519 (base64 of the 32-byte seed)",
                }
            ))
        })?;
        let headers = Dkim::SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect();
        Ok(Dkim(Arc::new(DkimConfig::new(
            selector.to_owned(),
            domain.to_owned(),
            key,
            headers,
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                body: DkimCanonicalizationType::Relaxed,
            },
        ))))
    }
}

#[cfg(feature = "dkim")]
impl std::fmt::Debug for Dkim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dkim").finish_non_exhaustive()
    }
}

/// Options for building messages from rendered communications.
#[derive(Clone)]
#[non_exhaustive]
pub struct MessageOptions {
    /// The run or period key, part of every idempotency key (e.g. `2026-11`
    /// for a billing cycle, or an event id). The same key in a rerun means
    /// "the same messages": those already delivered are skipped.
    pub run: String,
    /// Email sender.
    pub from: Sender,
    /// Optional Reply-To.
    pub reply_to: Option<Sender>,
    /// Domain for `Message-ID`s (`<hash@domain>`).
    pub message_id_domain: String,
    /// The communication carries marketing content (offers): it needs the
    /// customer's consent per channel, gets `List-Unsubscribe` headers and
    /// counts against the frequency cap.
    pub marketing: bool,
    /// HTTPS base of the one-click unsubscribe endpoint. A signed token
    /// (the hash part of the `Message-ID`, channel and scope, no personal
    /// data; see [`UnsubscribeKey`]) is appended as `?token=...`. Defaults to
    /// the brand's preferences URL.
    pub unsubscribe_url: Option<String>,
    /// The operator's key that signs unsubscribe tokens. A marketing email
    /// cannot be built without one (its channel fails with a permanent
    /// error that says so): an unsigned token could be forged.
    pub unsubscribe_key: Option<UnsubscribeKey>,
    /// The `Date` header; `None` uses the clock. Tests pin it.
    pub date: Option<SystemTime>,
    /// DKIM signing of emails (see [`Dkim`] for the headers it covers).
    #[cfg(feature = "dkim")]
    pub dkim: Option<Dkim>,
}

impl std::fmt::Debug for MessageOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageOptions")
            .field("run", &self.run)
            .field("from", &self.from)
            .field("marketing", &self.marketing)
            .finish_non_exhaustive()
    }
}

impl MessageOptions {
    /// Options for run `run` with sender `from` (name, address); the rest
    /// default (transactional, Message-ID domain from the address).
    pub fn new(run: impl Into<String>, from_name: &str, from_address: &str) -> MessageOptions {
        let domain = from_address
            .rsplit_once('@')
            .map_or("localhost", |(_, d)| d)
            .to_owned();
        MessageOptions {
            run: run.into(),
            from: Sender {
                name: from_name.to_owned(),
                address: from_address.to_owned(),
            },
            reply_to: None,
            message_id_domain: domain,
            marketing: false,
            unsubscribe_url: None,
            unsubscribe_key: None,
            date: None,
            #[cfg(feature = "dkim")]
            dkim: None,
        }
    }
}

/// A message for one channel, ready for a backend.
#[derive(Debug, Clone)]
pub struct Message {
    /// The idempotency key: `design/version/customer/run/channel` (each part
    /// with `/` and `%` percent-encoded). `.../archive` for archive copies.
    pub key: String,
    /// The communication's key (the idempotency key without the channel):
    /// fallbacks of one communication share it.
    pub communication: String,
    /// The customer record's id.
    pub record: String,
    /// Design id.
    pub design: String,
    /// Design version.
    pub version: String,
    /// Run or period key.
    pub run: String,
    /// The channel.
    pub channel: Channel,
    /// Carries marketing content.
    pub marketing: bool,
    /// Stable message id (`<hash-of-key@domain>`): the same on every attempt
    /// and every rerun, so a receiver can drop a duplicate.
    pub message_id: String,
    /// What the backend carries.
    pub body: Body,
}

/// The channel-specific part of a message.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Body {
    /// An email, formatted (RFC 5322 bytes).
    Email(EmailBody),
    /// A text message.
    Sms(SmsBody),
    /// A letter for the print spool.
    Letter(LetterBody),
    /// An archive copy (PDF/A) of a delivered communication.
    Archive(ArchiveBody),
}

/// A formatted email and its envelope.
#[derive(Debug, Clone)]
pub struct EmailBody {
    /// Envelope sender (MAIL FROM).
    pub envelope_from: String,
    /// Envelope recipient (RCPT TO).
    pub envelope_to: String,
    /// The message as sent: headers, multipart/alternative (text, then
    /// HTML), the PDF attached when the design says so.
    pub raw: Arc<[u8]>,
    /// A PDF is attached.
    pub has_attachment: bool,
}

/// A text message.
#[derive(Debug, Clone)]
pub struct SmsBody {
    /// Recipient phone number as the record gives it.
    pub to: String,
    /// The text.
    pub text: String,
    /// GSM-7 or UCS-2.
    pub encoding: SmsEncoding,
    /// Segments the gateway will bill.
    pub segments: u32,
}

/// A letter: one customer's PDF for the print spool, or their pages in a
/// print chunk of many customers' letters.
#[derive(Debug, Clone)]
pub struct LetterBody {
    /// The PDF: the letter alone, or with [`LetterBody::in_chunk`] the
    /// whole chunk (shared by the messages of all its letters).
    pub pdf: Arc<[u8]>,
    /// Where the letter is in `pdf` when that is a print chunk.
    pub in_chunk: Option<InChunk>,
    /// Hex SHA-256 of what the print frame was given for this customer: the
    /// same whether the letter was typeset alone or in a chunk.
    pub content_hash: String,
    /// Pages.
    pub pages: usize,
    /// Paper.
    pub paper: Paper,
    /// Postal code, for postal sorting in the manifest, when known.
    pub postal_code: Option<String>,
}

/// A letter's place in a print chunk ([`crate::render::PrintChunk`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InChunk {
    /// The chunk's name ([`crate::render::PrintChunk::id`]).
    pub chunk: String,
    /// The letter's first page in the chunk, from 1.
    pub first_page: usize,
    /// Its last page, a blank back included.
    pub last_page: usize,
    /// Pages of the whole chunk.
    pub chunk_pages: usize,
}

/// An archive copy of a delivered communication.
#[derive(Debug, Clone)]
pub struct ArchiveBody {
    /// The PDF/A-3b document.
    pub pdf: Arc<[u8]>,
    /// The document date (ISO).
    pub date: String,
    /// The channel the communication was delivered by (set by the dispatcher).
    pub delivered_by: Option<Channel>,
}

/// A communication for one customer: its channel plan, a message per channel
/// it can go out on, the channels it cannot go out on with the reason, and
/// the archive copy.
#[derive(Debug, Clone)]
pub struct Communication {
    /// The communication's key (idempotency key without the channel).
    pub key: String,
    /// The customer record's id.
    pub record: String,
    /// Design id.
    pub design: String,
    /// Design version.
    pub version: String,
    /// Run or period key.
    pub run: String,
    /// Carries marketing content.
    pub marketing: bool,
    /// The channels the dispatcher tries, in order: the document's plan
    /// unless the builder was given another ([`CommunicationBuilder::plan`]).
    pub plan: Vec<Channel>,
    /// The messages, at most one per channel.
    pub messages: Vec<Message>,
    /// Channels that could not be built, with the reason (no address on
    /// record, an invalid address...). The dispatcher records them as failed
    /// attempts when the plan reaches them.
    pub problems: Vec<(Channel, String)>,
    /// The archive copy, sent after delivery when an archive is configured.
    pub archive: Option<Message>,
}

impl Communication {
    /// The message for a channel.
    pub fn message(&self, channel: Channel) -> Option<&Message> {
        self.messages.iter().find(|m| m.channel == channel)
    }

    /// Starts building from already rendered parts; the plan is the
    /// document's (`doc.plan`).
    pub fn builder<'a>(
        design: &'a Design,
        doc: &'a Document,
        options: &'a MessageOptions,
    ) -> CommunicationBuilder<'a> {
        let key = communication_key(design, doc, &options.run);
        CommunicationBuilder {
            design,
            doc,
            options,
            comm: Communication {
                key,
                record: doc.record.clone(),
                design: design.manifest.id.clone(),
                version: design.manifest.version.clone(),
                run: options.run.clone(),
                // Marketing when the caller says so, or when personalization
                // put an offer into the document.
                marketing: options.marketing || doc.decisions.marketing,
                plan: doc.plan.clone(),
                messages: Vec::new(),
                problems: Vec::new(),
                archive: None,
            },
        }
    }
}

/// Builds a [`Communication`] from rendered parts.
#[derive(Debug)]
pub struct CommunicationBuilder<'a> {
    design: &'a Design,
    doc: &'a Document,
    options: &'a MessageOptions,
    comm: Communication,
}

impl CommunicationBuilder<'_> {
    fn message(&self, channel: Channel, suffix: &str, body: Body) -> Message {
        let key = format!("{}/{suffix}", self.comm.key);
        Message {
            message_id: message_id(&key, &self.options.message_id_domain),
            key,
            communication: self.comm.key.clone(),
            record: self.comm.record.clone(),
            design: self.comm.design.clone(),
            version: self.comm.version.clone(),
            run: self.comm.run.clone(),
            channel,
            marketing: self.comm.marketing,
            body,
        }
    }

    /// The channels to try, in order, instead of the document's plan (a
    /// resend on one channel, a test send).
    pub fn plan(mut self, channels: &[Channel]) -> Self {
        self.comm.plan = channels.to_vec();
        self
    }

    /// Records that a channel cannot be used for this communication.
    pub fn problem(mut self, channel: Channel, reason: impl Into<String>) -> Self {
        self.comm.problems.push((channel, reason.into()));
        self
    }

    /// Adds the email, with `pdf` attached when given.
    pub fn email(mut self, email: &Email, pdf: Option<&Pdf>) -> Self {
        let Some(to) = self.doc.email.as_deref().filter(|s| !s.trim().is_empty()) else {
            return self.problem(Channel::Email, "the record has no email address");
        };
        let key = format!("{}/email", self.comm.key);
        match build_email(self.design, self.doc, self.options, &key, to, email, pdf) {
            Ok(body) => {
                let m = self.message(Channel::Email, "email", Body::Email(body));
                self.comm.messages.push(m);
                self
            }
            Err(e) => self.problem(Channel::Email, e.message().to_owned()),
        }
    }

    /// Adds the SMS.
    pub fn sms(mut self, sms: &Sms) -> Self {
        let Some(to) = self.doc.phone.as_deref().filter(|s| !s.trim().is_empty()) else {
            return self.problem(Channel::Sms, "the record has no phone number");
        };
        let body = Body::Sms(SmsBody {
            to: to.trim().to_owned(),
            text: sms.text.clone(),
            encoding: sms.encoding,
            segments: sms.segments,
        });
        let m = self.message(Channel::Sms, "sms", body);
        self.comm.messages.push(m);
        self
    }

    /// Adds the printed letter; the print manifest gets the document's
    /// postal code (`[recipient] postal_code` in the design).
    pub fn letter(self, pdf: &Pdf) -> Self {
        let postal_code = self.doc.postal_code.clone();
        self.letter_with_postal_code(pdf, postal_code.as_deref())
    }

    /// Adds the printed letter with a postal code given by the caller
    /// (e.g. normalized by an address service) instead of the document's.
    pub fn letter_with_postal_code(mut self, pdf: &Pdf, postal_code: Option<&str>) -> Self {
        let body = Body::Letter(LetterBody {
            pdf: pdf.bytes.clone().into(),
            in_chunk: None,
            content_hash: pdf.content_hash.clone(),
            pages: pdf.pages,
            paper: pdf.paper,
            postal_code: postal_code.map(clean_line),
        });
        let m = self.message(Channel::Print, "print", body);
        self.comm.messages.push(m);
        self
    }

    /// Adds the printed letter as letter `index` of a print chunk (the
    /// chunk's PDF is shared, not copied).
    pub fn letter_in_chunk(mut self, chunk: &PrintChunk, index: usize) -> Self {
        let Some(letter) = chunk.letters.get(index) else {
            return self.problem(
                Channel::Print,
                format!("the print chunk has no letter {index}"),
            );
        };
        let body = Body::Letter(LetterBody {
            pdf: chunk.bytes.clone(),
            in_chunk: Some(InChunk {
                chunk: chunk.id.clone(),
                first_page: letter.first_page,
                last_page: letter.last_page,
                chunk_pages: chunk.letters.last().map_or(0, |l| l.last_page),
            }),
            content_hash: letter.content_hash.clone(),
            pages: letter.pages,
            paper: chunk.paper,
            postal_code: self.doc.postal_code.as_deref().map(clean_line),
        });
        let m = self.message(Channel::Print, "print", body);
        self.comm.messages.push(m);
        self
    }

    /// Adds the archive copy (render it with [`PdfStandard::PdfA3b`]).
    pub fn archive(mut self, pdf: &Pdf) -> Self {
        let body = Body::Archive(ArchiveBody {
            pdf: pdf.bytes.clone().into(),
            date: self.doc.date_iso.clone(),
            delivered_by: None,
        });
        // The channel is set to the delivering one by the dispatcher.
        self.comm.archive = Some(self.message(Channel::Print, "archive", body));
        self
    }

    /// The communication.
    pub fn build(self) -> Communication {
        self.comm
    }
}

/// `design/version/customer/run`, each part percent-encoded so no part can
/// contain the separator.
fn communication_key(design: &Design, doc: &Document, run: &str) -> String {
    [
        design.manifest.id.as_str(),
        &design.manifest.version,
        &doc.record,
        run,
    ]
    .iter()
    .map(|p| key_part(p))
    .collect::<Vec<_>>()
    .join("/")
}

/// A MIME boundary made from the idempotency key, so the same message has
/// the same bytes on every render and every resend (a receiver or an
/// archive can compare them). Customer text could in principle hold it:
/// then, and only then, the boundary is lettre's random one.
fn boundary(kind: &str, key: &str, email: &Email) -> String {
    let b = format!(
        "vellum-{kind}-{}",
        &sha256_hex(format!("{kind}:{key}").as_bytes())[..32]
    );
    if email.text.contains(&b) || email.html.contains(&b) {
        return MultiPart::mixed().build().boundary();
    }
    b
}

/// Percent-encodes `%`, `/` and control characters.
pub(crate) fn key_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '%' || c == '/' || c.is_control() {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) use crate::model::digest::sha256_hex;

fn message_id(key: &str, domain: &str) -> String {
    format!("<{}@{}>", message_hash(key), clean_domain(domain))
}

/// The hash part of the `Message-ID` of the message with idempotency key
/// `key`: 32 hex digits, what unsubscribe tokens name the message by.
fn message_hash(key: &str) -> String {
    sha256_hex(key.as_bytes())[..32].to_owned()
}

fn clean_domain(d: &str) -> String {
    let d: String = d
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .collect();
    if d.is_empty() { "localhost".into() } else { d }
}

/// A display name or other one-line value: control characters (CR, LF, tab,
/// ...) become spaces, runs of spaces collapse. lettre panics on CR/LF in a
/// `Mailbox` name; this never lets one reach it.
pub(crate) fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

fn mailbox(name: Option<&str>, address: &str, what: &str) -> Result<Mailbox, DeliveryError> {
    let address: lettre::Address = address.trim().parse().map_err(|_| {
        DeliveryError::permanent(format!("the {what} address is not a valid email address"))
    })?;
    let name = name.map(clean_line).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

fn unsubscribe_url(
    design: &Design,
    options: &MessageOptions,
    key: &str,
) -> Result<String, DeliveryError> {
    let base = options
        .unsubscribe_url
        .clone()
        .unwrap_or_else(|| design.brand.preferences_url.clone());
    if !base.starts_with("https://")
        || base
            .chars()
            .any(|c| c.is_control() || c == ' ' || c == '>' || c == '<')
    {
        return Err(DeliveryError::permanent(format!(
            "the unsubscribe URL `{base}` is not an https URL (RFC 8058 one-click needs https)"
        )));
    }
    let signing = options.unsubscribe_key.as_ref().ok_or_else(|| {
        DeliveryError::permanent(
            "a marketing email needs an unsubscribe key to sign its one-click token \
             (MessageOptions::unsubscribe_key; the CLI reads VELLUM_UNSUBSCRIBE_KEY)",
        )
    })?;
    let token = unsubscribe::sign(
        signing,
        &message_hash(key),
        Channel::Email,
        crate::model::Scope::Marketing,
    );
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{sep}token={token}"))
}

fn build_email(
    design: &Design,
    doc: &Document,
    options: &MessageOptions,
    key: &str,
    to: &str,
    email: &Email,
    pdf: Option<&Pdf>,
) -> Result<EmailBody, DeliveryError> {
    let from = mailbox(Some(&options.from.name), &options.from.address, "sender")?;
    let to_box = mailbox(doc.name.as_deref(), to, "recipient")?;
    let mut b = lettre::Message::builder()
        .from(from.clone())
        .to(to_box.clone())
        .subject(clean_line(&email.subject))
        .message_id(Some(message_id(key, &options.message_id_domain)))
        .date(options.date.unwrap_or_else(SystemTime::now));
    if let Some(r) = &options.reply_to {
        b = b.reply_to(mailbox(Some(&r.name), &r.address, "reply-to")?);
    }
    if options.marketing || doc.decisions.marketing {
        let url = unsubscribe_url(design, options, key)?;
        b = b
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let boundary = |kind: &str| boundary(kind, key, email);
    let alternative = MultiPart::alternative()
        .boundary(boundary("alt"))
        .singlepart(SinglePart::plain(email.text.clone()))
        .singlepart(SinglePart::html(email.html.clone()));
    let built = match pdf {
        Some(p) => {
            let name = format!(
                "{}-{}.pdf",
                key_file_part(&design.manifest.id),
                key_file_part(&doc.record)
            );
            let ct = ContentType::parse("application/pdf").expect("static content type");
            b.multipart(
                MultiPart::mixed()
                    .boundary(boundary("mix"))
                    .multipart(alternative)
                    .singlepart(Attachment::new(name).body(p.bytes.clone(), ct)),
            )
        }
        None => b.multipart(alternative),
    };
    #[allow(unused_mut)]
    let mut msg =
        built.map_err(|e| DeliveryError::permanent(format!("cannot build the email: {e}")))?;
    #[cfg(feature = "dkim")]
    if let Some(dkim) = &options.dkim {
        msg.sign(&dkim.0);
    }
    Ok(EmailBody {
        envelope_from: from.email.to_string(),
        envelope_to: to_box.email.to_string(),
        raw: msg.formatted().into(),
        has_attachment: pdf.is_some(),
    })
}

/// A file-name-safe form of an id: ASCII letters, digits, `-`, `_`.
pub(crate) fn key_file_part(s: &str) -> String {
    let s: String = s
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "_".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_line_removes_breaks() {
        assert_eq!(clean_line("Eve\r\nBcc: x@y.z"), "Eve Bcc: x@y.z");
        assert_eq!(clean_line("  a\t\tb \u{2028} "), "a b");
    }

    #[test]
    fn key_parts_cannot_contain_the_separator() {
        assert_eq!(key_part("a/b%c"), "a%2Fb%25c");
        assert_eq!(key_part("x\ny"), "x%0Ay");
    }
}

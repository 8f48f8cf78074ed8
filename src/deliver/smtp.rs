//! SMTP with lettre's blocking transport and its connection pool.

use std::time::Duration;

use lettre::Transport as _;
use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;

use super::{Body, DeliveryError, Message, Receipt, Transport, wrong_body};
use crate::model::Channel;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same machine (and tests).
    #[cfg_attr(not(feature = "tls"), default)]
    None,
    /// STARTTLS when the server offers it, plain text otherwise.
    #[cfg(feature = "tls")]
    Opportunistic,
    /// STARTTLS, and fail when the server does not offer it. The default.
    #[cfg(feature = "tls")]
    #[default]
    Required,
    /// Implicit TLS from the first byte (port 465).
    #[cfg(feature = "tls")]
    Wrapper,
}

/// SMTP settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SmtpOptions {
    /// Server host name (also checked against its certificate).
    pub host: String,
    /// Port (587 for STARTTLS, 465 for implicit TLS, 25 for relays).
    pub port: u16,
    /// Transport security.
    pub tls: SmtpTls,
    /// User name and password for AUTH, when the server needs them.
    pub credentials: Option<(String, String)>,
    /// Connections kept open and reused across messages (one per sending thread).
    pub pool_size: u32,
    /// Timeout of each SMTP command.
    pub timeout: Duration,
    /// Root certificates (PEM) trusted in addition to the public web PKI,
    /// e.g. the private CA of an internal relay. Certificates are always
    /// verified, host name included; there is no switch to turn that off.
    #[cfg(feature = "tls")]
    pub root_certificates: Vec<Vec<u8>>,
}

impl SmtpOptions {
    /// Settings for `host:port` with the defaults: STARTTLS required (when
    /// built with `tls`), pool of 4, 30 s timeout.
    pub fn new(host: &str, port: u16) -> SmtpOptions {
        SmtpOptions {
            host: host.to_owned(),
            port,
            tls: SmtpTls::default(),
            credentials: None,
            pool_size: 4,
            timeout: Duration::from_secs(30),
            #[cfg(feature = "tls")]
            root_certificates: Vec::new(),
        }
    }
}

/// Sends email over SMTP. Connections are pooled and reused for a batch;
/// SMTP replies map to [`DeliveryError`]: 4xx, dropped connections and
/// timeouts are transient, 5xx and bad envelopes are permanent.
#[derive(Debug, Clone)]
pub struct SmtpTransport {
    inner: lettre::SmtpTransport,
}

impl SmtpTransport {
    /// Builds the transport (no connection is made until the first message).
    pub fn new(options: &SmtpOptions) -> Result<SmtpTransport, DeliveryError> {
        let mut b = lettre::SmtpTransport::builder_dangerous(options.host.as_str())
            .port(options.port)
            .timeout(Some(options.timeout))
            .pool_config(PoolConfig::new().max_size(options.pool_size.max(1)));
        #[cfg(feature = "tls")]
        {
            use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
            let params = || {
                let mut b = TlsParameters::builder(options.host.clone());
                for (i, pem) in options.root_certificates.iter().enumerate() {
                    let not_pem = |why: String| {
                        DeliveryError::permanent(format!(
                            "TLS settings: root certificate {} is not a PEM certificate{why}",
                            i + 1
                        ))
                    };
                    // lettre's rustls reader takes text without any
                    // certificate as an empty list: trusting nothing silently.
                    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
                    if !pem.windows(BEGIN.len()).any(|w| w == BEGIN) {
                        return Err(not_pem(" (no BEGIN CERTIFICATE block)".into()));
                    }
                    let cert = Certificate::from_pem(pem).map_err(|e| not_pem(format!(": {e}")))?;
                    b = b.add_root_certificate(cert);
                }
                b.build()
                    .map_err(|e| DeliveryError::permanent(format!("TLS settings: {e}")))
            };
            b = match options.tls {
                SmtpTls::None => b.tls(Tls::None),
                SmtpTls::Opportunistic => b.tls(Tls::Opportunistic(params()?)),
                SmtpTls::Required => b.tls(Tls::Required(params()?)),
                SmtpTls::Wrapper => b.tls(Tls::Wrapper(params()?)),
            };
        }
        if let Some((user, pass)) = &options.credentials {
            b = b.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(SmtpTransport { inner: b.build() })
    }
}

impl Transport for SmtpTransport {
    fn name(&self) -> &str {
        "smtp"
    }

    fn channels(&self) -> &[Channel] {
        &[Channel::Email]
    }

    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        let Body::Email(email) = &message.body else {
            return Err(wrong_body("smtp", message));
        };
        let addr = |s: &str| {
            s.parse::<lettre::Address>()
                .map_err(|_| DeliveryError::permanent("invalid envelope address"))
        };
        let envelope = Envelope::new(
            Some(addr(&email.envelope_from)?),
            vec![addr(&email.envelope_to)?],
        )
        .map_err(|e| DeliveryError::permanent(format!("envelope: {e}")))?;
        match self.inner.send_raw(&envelope, &email.raw) {
            Ok(response) => {
                let text = response.message().collect::<Vec<_>>().join(" ");
                Ok(Receipt::new(
                    "smtp",
                    &format!("{} {}", response.code(), text),
                ))
            }
            Err(e) => {
                // lettre's Display of a response error carries the server's
                // text, never our message content.
                let what = e.to_string();
                if e.is_permanent() || e.is_client() {
                    Err(DeliveryError::permanent(what))
                } else {
                    // 4xx, network, timeout, TLS handshake and a connection
                    // dropped mid-DATA: the message may or may not have
                    // arrived; the retry carries the same Message-ID.
                    Err(DeliveryError::transient(what))
                }
            }
        }
    }
}

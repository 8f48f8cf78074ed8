//! SMTP with lettre's blocking transport and its connection pool.

use std::time::Duration;

use lettre::Transport as _;
use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;

use super::{Body, DeliveryError, Message, Receipt, Transport, wrong_body};

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
            use lettre::transport::smtp::client::{Tls, TlsParameters};
            let params = || {
                TlsParameters::new(options.host.clone())
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

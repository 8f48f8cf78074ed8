//! The real delivery backends of `vellum run`: email over SMTP and SMS to
//! an HTTP gateway, in place of the `dir:` folder for those channels.

use std::sync::Arc;

use vellum::deliver::{DirTransport, Transport};
#[cfg(feature = "sms-http")]
use vellum::deliver::{SmsHttpOptions, SmsHttpTransport};

/// The real backends a run delivers to, instead of the folder.
#[derive(Debug, Default)]
pub struct Backends {
    /// Email over SMTP.
    pub smtp: Option<SmtpUrl>,
    /// SMS to this HTTP gateway.
    pub sms_url: Option<String>,
    /// The gateway's bearer token.
    pub sms_token: Option<String>,
}

impl Backends {
    /// The email backend: SMTP when asked for, else the folder.
    pub fn email(&self, dir: &Arc<DirTransport>) -> Result<Box<dyn Transport>, String> {
        match &self.smtp {
            Some(url) => url.transport(),
            None => Ok(Box::new(dir.clone())),
        }
    }

    /// The SMS backend: the HTTP gateway when asked for, else the folder.
    pub fn sms(&self, dir: &Arc<DirTransport>) -> Result<Box<dyn Transport>, String> {
        let Some(url) = &self.sms_url else {
            return Ok(Box::new(dir.clone()));
        };
        #[cfg(feature = "sms-http")]
        {
            let mut o = SmsHttpOptions::new(url);
            o.auth_header = self
                .sms_token
                .as_ref()
                .map(|t| ("Authorization".to_owned(), format!("Bearer {t}")));
            Ok(Box::new(SmsHttpTransport::new(o)))
        }
        #[cfg(not(feature = "sms-http"))]
        Err(format!(
            "--sms-url {url}: this vellum was built without the sms-http feature"
        ))
    }
}

/// An SMTP server as `--deliver` names it: `smtp://host[:port]` (port 25,
/// STARTTLS required unless the host is a loopback address) or
/// `smtps://host[:port]` (implicit TLS, port 465).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    host: String,
    port: u16,
    implicit_tls: bool,
}

impl SmtpUrl {
    pub fn parse(v: &str) -> Result<SmtpUrl, String> {
        let bad = |why: &str| format!("--deliver {v:?}: {why}");
        let (rest, implicit_tls) = match v.strip_prefix("smtps://") {
            Some(rest) => (rest, true),
            None => (v.strip_prefix("smtp://").unwrap_or(v), false),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        // `[::1]:2525`, `127.0.0.1:2525`, `relay.example`
        let (host, port) = match rest.strip_prefix('[') {
            Some(r) => {
                let (h, after) = r.split_once(']').ok_or_else(|| bad("no closing ]"))?;
                (h, after.strip_prefix(':'))
            }
            None => match rest.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            },
        };
        if host.is_empty() || host.contains(['/', '@', '?']) {
            return Err(bad("expected smtp://host[:port]"));
        }
        let port = match port {
            Some(p) => p.parse().map_err(|_| bad("the port is not a number"))?,
            None if implicit_tls => 465,
            None => 25,
        };
        Ok(SmtpUrl {
            host: host.to_owned(),
            port,
            implicit_tls,
        })
    }

    /// A relay on this machine: the one case for plain-text SMTP.
    fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    fn transport(&self) -> Result<Box<dyn Transport>, String> {
        #[cfg(feature = "smtp")]
        {
            use vellum::deliver::{SmtpOptions, SmtpTls, SmtpTransport};
            let mut o = SmtpOptions::new(&self.host, self.port);
            o.tls = if self.is_loopback() && !self.implicit_tls {
                SmtpTls::None
            } else {
                self.tls()?
            };
            let smtp = SmtpTransport::new(&o).map_err(|e| e.to_string())?;
            Ok(Box::new(smtp))
        }
        #[cfg(not(feature = "smtp"))]
        Err(format!(
            "--deliver smtp://{}:{}: this vellum was built without the smtp feature",
            self.host, self.port
        ))
    }

    #[cfg(all(feature = "smtp", feature = "tls"))]
    fn tls(&self) -> Result<vellum::deliver::SmtpTls, String> {
        use vellum::deliver::SmtpTls;
        Ok(if self.implicit_tls {
            SmtpTls::Wrapper
        } else {
            SmtpTls::Required
        })
    }

    #[cfg(all(feature = "smtp", not(feature = "tls")))]
    fn tls(&self) -> Result<vellum::deliver::SmtpTls, String> {
        Err(format!(
            "smtp://{}:{}: plain-text SMTP only to a loopback address, and this vellum was built without the tls feature",
            self.host, self.port
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::SmtpUrl;

    fn url(host: &str, port: u16, implicit_tls: bool) -> SmtpUrl {
        SmtpUrl {
            host: host.to_owned(),
            port,
            implicit_tls,
        }
    }

    #[test]
    fn smtp_urls_name_host_port_and_security() {
        assert_eq!(
            SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap(),
            url("127.0.0.1", 2525, false)
        );
        assert_eq!(
            SmtpUrl::parse("smtp://relay.example").unwrap(),
            url("relay.example", 25, false)
        );
        assert_eq!(
            SmtpUrl::parse("smtps://relay.example/").unwrap(),
            url("relay.example", 465, true)
        );
        assert_eq!(
            SmtpUrl::parse("smtp://[::1]:2525").unwrap(),
            url("::1", 2525, false)
        );
        for bad in [
            "smtp://",
            "smtp://host:port",
            "smtp://user@host:25",
            "smtp://[::1:25",
        ] {
            assert!(SmtpUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_text_smtp_only_on_loopback() {
        for host in ["127.0.0.1", "::1", "localhost"] {
            assert!(url(host, 25, false).is_loopback(), "{host}");
        }
        for host in ["relay.example", "10.0.0.5", "localhost.example"] {
            assert!(!url(host, 25, false).is_loopback(), "{host}");
        }
    }
}

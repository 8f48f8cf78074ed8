//! SMS through an HTTP gateway.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Body, DeliveryError, Message, Receipt, Transport, wrong_body};
use crate::model::Channel;

/// How the message is posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmsFormat {
    /// `application/json`: `{"to","from","text","encoding","segments","reference"}`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` with the same fields.
    Form,
}

/// Gateway settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SmsHttpOptions {
    /// The endpoint, e.g. `https://sms.example/v1/messages`.
    pub url: String,
    /// Body format.
    pub format: SmsFormat,
    /// An auth header, e.g. `("Authorization", "Bearer ...")`.
    pub auth_header: Option<(String, String)>,
    /// Sender id shown to the customer.
    pub sender: Option<String>,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl SmsHttpOptions {
    /// JSON posts to `url`, 30 s timeout.
    pub fn new(url: &str) -> SmsHttpOptions {
        SmsHttpOptions {
            url: url.to_owned(),
            format: SmsFormat::Json,
            auth_header: None,
            sender: None,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Posts each SMS to an HTTP gateway, one request per message, with the
/// message id as `reference` so a gateway can drop a resent duplicate.
///
/// Answers: 2xx is accepted unless the JSON body's `status` says
/// `rejected`/`failed`/`invalid` (per-message status); the receipt is the
/// body's `id`. 408, 429 and 5xx are transient; other 4xx are permanent.
#[derive(Debug)]
pub struct SmsHttpTransport {
    agent: ureq::Agent,
    options: SmsHttpOptions,
}

impl SmsHttpTransport {
    /// A transport for the gateway.
    pub fn new(options: SmsHttpOptions) -> SmsHttpTransport {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(options.timeout))
            // No proxy from the environment: the gateway is configured here.
            .proxy(None)
            .build();
        SmsHttpTransport {
            agent: ureq::Agent::new_with_config(config),
            options,
        }
    }
}

impl Transport for SmsHttpTransport {
    fn name(&self) -> &str {
        "sms-http"
    }

    fn channels(&self) -> &[Channel] {
        &[Channel::Sms]
    }

    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        let Body::Sms(sms) = &message.body else {
            return Err(wrong_body("sms-http", message));
        };
        let encoding = match sms.encoding {
            crate::render::SmsEncoding::Gsm7 => "GSM-7",
            crate::render::SmsEncoding::Ucs2 => "UCS-2",
        };
        let segments = sms.segments.to_string();
        let mut req = self.agent.post(&self.options.url);
        if let Some((name, value)) = &self.options.auth_header {
            req = req.header(name.as_str(), value.as_str());
        }
        let sender = self.options.sender.clone().unwrap_or_default();
        let result = match self.options.format {
            SmsFormat::Json => req.send_json(json!({
                "to": sms.to,
                "from": sender,
                "text": sms.text,
                "encoding": encoding,
                "segments": sms.segments,
                "reference": message.message_id,
            })),
            SmsFormat::Form => req.send_form([
                ("to", sms.to.as_str()),
                ("from", sender.as_str()),
                ("text", sms.text.as_str()),
                ("encoding", encoding),
                ("segments", segments.as_str()),
                ("reference", message.message_id.as_str()),
            ]),
        };
        let mut response = result.map_err(|e| DeliveryError::transient(format!("gateway: {e}")))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let said = json
            .get("error")
            .or_else(|| json.get("status"))
            .and_then(Value::as_str)
            .map(|s| s.chars().take(200).collect::<String>())
            .unwrap_or_default();
        match status {
            200..=299 => {
                let st = json
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("accepted");
                if matches!(st, "rejected" | "failed" | "invalid" | "error") {
                    let why = json.get("error").and_then(Value::as_str).unwrap_or(st);
                    return Err(DeliveryError::permanent(format!(
                        "gateway rejected the message: {}",
                        why.chars().take(200).collect::<String>()
                    )));
                }
                let id = match json.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) if !v.is_null() => v.to_string(),
                    _ => format!("{status}"),
                };
                Ok(Receipt::new("sms-http", &id))
            }
            408 | 429 | 500..=599 => Err(DeliveryError::transient(format!(
                "gateway answered {status} {said}"
            ))),
            _ => Err(DeliveryError::permanent(format!(
                "gateway answered {status} {said}"
            ))),
        }
    }
}

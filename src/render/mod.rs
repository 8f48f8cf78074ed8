//! Rendering: a composed [`Document`](crate::Document) to each channel's
//! output. Renderers are pure: no I/O, no clock, no randomness.

pub(crate) mod escape;
pub(crate) mod html;
pub(crate) mod pdf;
pub(crate) mod sms;
pub(crate) mod text;

pub use self::html::{Email, EmailOptions};
pub use self::pdf::{Pdf, PdfOptions, PdfStandard};
pub use self::sms::{Sms, SmsEncoding, sms_segments};

//! The directory backend: writes what would be sent, one file per message.

use std::path::{Path, PathBuf};

use super::{Body, DeliveryError, Message, Receipt, Transport, write_atomic};
use crate::message::{key_file_part, sha256_hex};
use crate::model::Channel;

/// Writes each message to a folder: emails as `.eml` (the exact bytes an
/// SMTP server would get), SMS as `.txt`, letters and archive copies as
/// `.pdf`. The embedded default: no server needed. File names come from the
/// design, the record id (made file-name safe) and a hash of the idempotency
/// key, so a rerun overwrites instead of duplicating.
#[derive(Debug, Clone)]
pub struct DirTransport {
    dir: PathBuf,
}

impl DirTransport {
    /// Writes into `dir`, creating it when needed.
    pub fn new(dir: impl AsRef<Path>) -> Result<DirTransport, DeliveryError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| {
            DeliveryError::permanent(format!("cannot create `{}`: {e}", dir.display()))
        })?;
        Ok(DirTransport { dir })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Transport for DirTransport {
    fn name(&self) -> &str {
        "dir"
    }

    fn channels(&self) -> &[Channel] {
        &Channel::ALL
    }

    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        let (ext, bytes): (&str, Vec<u8>) = match &message.body {
            Body::Email(e) => ("eml", e.raw.to_vec()),
            Body::Sms(s) => ("txt", format!("To: {}\n\n{}\n", s.to, s.text).into_bytes()),
            Body::Letter(l) if l.in_chunk.is_some() => return Err(super::no_chunks("dir")),
            Body::Letter(l) => ("pdf", l.pdf.to_vec()),
            Body::Archive(a) => ("pdf", a.pdf.to_vec()),
        };
        let name = format!(
            "{}-{}-{}-{}.{ext}",
            key_file_part(&message.design),
            key_file_part(&message.record),
            message.key.rsplit('/').next().unwrap_or("x"),
            &sha256_hex(message.key.as_bytes())[..12],
        );
        let path = self.dir.join(&name);
        // A full disk may clear up; a missing permission will not, but the
        // retry limit bounds the cost of guessing wrong.
        write_atomic(&path, &bytes).map_err(|e| {
            DeliveryError::transient(format!("cannot write `{}`: {e}", path.display()))
        })?;
        Ok(Receipt::new("dir", &name))
    }
}

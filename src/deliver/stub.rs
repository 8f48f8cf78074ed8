//! A backend that records messages in memory and answers as told: for tests.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::{DeliveryError, Message, Receipt, Transport};
use crate::model::Channel;
use crate::model::ErrorClass;

/// Records every message it is given and answers with a scripted sequence
/// of results, then with its default. Like lettre's `StubTransport`.
///
/// ```
/// use vellum::deliver::StubTransport;
/// use vellum::model::ErrorClass;
///
/// let ok = StubTransport::new_ok();
/// let flaky = StubTransport::new_ok().then_fail(ErrorClass::Transient, 2); // two 4xx, then ok
/// let bounce = StubTransport::new_error(ErrorClass::Permanent);
/// assert_eq!(ok.sent().len(), 0);
/// # let _ = (flaky, bounce);
/// ```
#[derive(Debug)]
pub struct StubTransport {
    name: String,
    default: Option<ErrorClass>,
    script: Mutex<VecDeque<Option<ErrorClass>>>,
    sent: Mutex<Vec<Message>>,
    tried: Mutex<usize>,
}

impl StubTransport {
    /// Accepts every message.
    pub fn new_ok() -> StubTransport {
        StubTransport::with_default(None)
    }

    /// Fails every message with an error of `class`.
    pub fn new_error(class: ErrorClass) -> StubTransport {
        StubTransport::with_default(Some(class))
    }

    fn with_default(default: Option<ErrorClass>) -> StubTransport {
        StubTransport {
            name: "stub".into(),
            default,
            script: Mutex::new(VecDeque::new()),
            sent: Mutex::new(Vec::new()),
            tried: Mutex::new(0),
        }
    }

    /// Names the backend (for the ledger), e.g. `stub-email`.
    pub fn named(mut self, name: &str) -> StubTransport {
        self.name = name.to_owned();
        self
    }

    /// The next `n` sends fail with `class` before the default applies.
    pub fn then_fail(self, class: ErrorClass, n: usize) -> StubTransport {
        self.script
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(std::iter::repeat_n(Some(class), n));
        self
    }

    /// The messages accepted, in order.
    pub fn sent(&self) -> Vec<Message> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How many sends were tried, accepted or not.
    pub fn tries(&self) -> usize {
        *self.tried.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Transport for StubTransport {
    fn name(&self) -> &str {
        &self.name
    }

    fn channels(&self) -> &[Channel] {
        &Channel::ALL
    }

    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        *self.tried.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        let next = self
            .script
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or(self.default);
        match next {
            Some(class) => Err(DeliveryError::new(class, format!("stub answers {class:?}"))),
            None => {
                self.sent
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(message.clone());
                Ok(Receipt::new(&self.name, &message.message_id))
            }
        }
    }
}

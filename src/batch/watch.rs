//! Watching a run as it goes: progress bars, log lines, metrics.

use super::report::RunReport;

/// Told of a run's counts as records finish, from the collecting thread.
/// It sees counts only ([`RunReport`]), never a customer's data, so whatever
/// it prints or exports cannot leak any.
pub trait Watch: Send + Sync {
    /// The run is starting; `total` is the number of records when the
    /// caller knows it (a counted file), for a rate and an ETA.
    fn start(&mut self, total: Option<u64>) {
        let _ = total;
    }

    /// A record has finished (delivered, skipped, held, rendered or
    /// failed); `report` holds the counts so far. Called once per record:
    /// keep it cheap and throttle output yourself.
    fn record(&mut self, report: &RunReport);

    /// The run has ended with `report` (before flushing the transports).
    fn finish(&mut self, report: &RunReport) {
        let _ = report;
    }
}

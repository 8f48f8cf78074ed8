//! Personalization: what this customer gets. Rules (CEL) are evaluated per
//! customer into [`Decisions`](crate::model::Decisions): which rules fired,
//! which variant and offer were chosen and why others were not, the locale,
//! and the channel plan with the reason for every channel kept or dropped.
//! Composition and delivery read it; the preview explains it.

mod coverage;
mod decide;
mod explain;
mod plan;

pub use self::coverage::{Coverage, Covered, Facet, SampleCase, coverage, decision_outcomes};
pub use self::decide::{ComposeOptions, decide};
pub(crate) use self::decide::{Decided, Prepared, decide_prepared, prepare};

/// Picks the locale for a customer's preference among the design's locales:
/// exact tag, then same language, then the default (index 0 of `tags` is not
/// assumed: `default` is given). Returns the index and, when the preference
/// could not be met, a warning.
pub(crate) fn choose_locale(
    tags: &[String],
    default: usize,
    wanted: Option<&str>,
) -> (usize, Option<String>) {
    let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) else {
        return (default, None);
    };
    let norm = wanted.replace('_', "-");
    if let Some(i) = tags.iter().position(|t| t.eq_ignore_ascii_case(&norm)) {
        return (i, None);
    }
    let lang = norm.split('-').next().unwrap_or("").to_ascii_lowercase();
    if let Some(i) = tags.iter().position(|t| {
        t.split('-')
            .next()
            .is_some_and(|l| l.eq_ignore_ascii_case(&lang))
    }) {
        return (i, None);
    }
    let shown: String = wanted
        .chars()
        .filter(|c| !c.is_control())
        .take(35)
        .collect();
    (
        default,
        Some(format!(
            "locale {shown:?} is not offered by this design; using {}",
            tags[default]
        )),
    )
}

/// A stable bucket 0..100 for a customer in a variant group (FNV-1a), the same
/// on every machine and every run.
pub(crate) fn bucket(group: &str, customer: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in group.bytes().chain([0u8]).chain(customer.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 100) as u32
}

#[cfg(test)]
mod tests {
    #[test]
    fn buckets_are_stable_and_spread() {
        assert_eq!(
            super::bucket("greeting", "C1001"),
            super::bucket("greeting", "C1001")
        );
        let mut counts = [0u32; 2];
        for i in 0..10_000 {
            counts[(super::bucket("greeting", &format!("C{i:05}")) < 50) as usize] += 1;
        }
        assert!(counts[0] > 4_700 && counts[1] > 4_700, "{counts:?}");
    }

    #[test]
    fn phone_only_plans_sms_first() {
        use super::plan::{Reach, channel_plan};
        use crate::model::{Channel, Standing};
        let reach = Reach {
            design_channels: &[Channel::Email, Channel::Sms, Channel::Print],
            preferred: None,
            email: None,
            phone: Some("+41 79 555 01 02"),
            has_address: true,
            postal_code: Some("8001"),
            consent: [None; 3],
            standing: &Standing::none(),
        };
        let (plan, why) = channel_plan(&reach);
        assert_eq!(plan, [Channel::Sms, Channel::Print]);
        assert_eq!(why[0].reason, "no email address");
    }

    #[test]
    fn locale_fallback() {
        let tags: Vec<String> = ["en-US", "de-DE", "fr-FR"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(super::choose_locale(&tags, 0, Some("fr-CA")), (2, None));
        assert_eq!(super::choose_locale(&tags, 0, Some("de_de")), (1, None));
        assert_eq!(super::choose_locale(&tags, 0, None), (0, None));
        let (i, w) = super::choose_locale(&tags, 0, Some("pt-BR"));
        assert_eq!(i, 0);
        assert!(w.unwrap().contains("pt-BR"));
    }
}

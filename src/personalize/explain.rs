//! The explanation of a decision, as people read it: which rules fired,
//! which variant and offer were chosen and why others were not, the locale
//! and the channel plan with the reason for every channel.

use std::fmt;

use crate::model::Decisions;

impl fmt::Display for Decisions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.locale;
        let wanted = l.wanted.as_deref().unwrap_or("(none)");
        writeln!(f, "locale:   {} (wanted {wanted}: {})", l.chosen, l.reason)?;
        for r in &self.rules {
            let fired = if r.fired { "FIRED   " } else { "not fired" };
            writeln!(f, "rule:     {fired} {}  [{}]", r.name, r.expression)?;
        }
        for v in &self.variants {
            writeln!(
                f,
                "variant:  {} = {} (bucket {} of 100)",
                v.group, v.chosen, v.bucket
            )?;
        }
        for o in &self.offers {
            let chosen = o.chosen.as_deref().unwrap_or("(none)");
            writeln!(f, "offer:    slot {}: {chosen}", o.slot)?;
            for c in &o.considered {
                writeln!(
                    f,
                    "            {} (priority {}): {}",
                    c.offer, c.priority, c.reason
                )?;
            }
        }
        let plan: Vec<&str> = self.plan.iter().map(|c| c.name()).collect();
        if plan.is_empty() {
            writeln!(f, "plan:     (no channel!)")?;
        } else {
            writeln!(f, "plan:     {}", plan.join(" -> "))?;
        }
        for c in &self.channels {
            let kept = if c.kept { "keep" } else { "drop" };
            writeln!(f, "            {kept} {}: {}", c.channel, c.reason)?;
        }
        Ok(())
    }
}

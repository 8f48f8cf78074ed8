//! Composition: design + customer record + locale -> [`Document`], a resolved,
//! channel-neutral tree of semantic blocks. Conditions are decided, placeholders
//! filled, money and dates formatted; every text leaf is plain text that the
//! renderers escape for their medium.

use serde::Serialize;
use serde_json::Value;

use crate::design::body::{Block as DBlock, Cond, Inline, QrSpec};
use crate::design::fields::{Kind, is_safe_url, money_minor};
use crate::design::template::{Env, FieldRef, Template, is_truthy, push_clean};
use crate::design::{Align, Design, Paper, Tone};
use crate::error::{Channel, Error, ErrorKind, FieldProblem, Result};
use crate::locale::{Date, DateStyle, currency_digits};
use crate::personalize::rules::evaluate;
use crate::personalize::{
    Decisions, LocaleDecision, OfferConsidered, OfferDecision, Reach, RuleOutcome, VariantChoice,
    bucket, channel_plan, choose_locale,
};

/// Options for composing documents.
#[derive(Debug, Clone, Default)]
pub struct ComposeOptions {
    /// The date of the documents ("today"). `None` reads the system clock;
    /// tests and reruns pin it so output is reproducible.
    pub today: Option<Date>,
}

/// Inline text: plain text, emphasis and links. Text is never markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Span {
    /// Plain text.
    Text {
        /// The text, exactly as it is to be shown.
        text: String,
    },
    /// Strong emphasis.
    Strong {
        /// What is emphasized.
        content: Vec<Span>,
    },
    /// Emphasis.
    Em {
        /// What is emphasized.
        content: Vec<Span>,
    },
    /// A link with a checked https, http, mailto or tel URL.
    Link {
        /// The URL.
        href: String,
        /// The link text.
        content: Vec<Span>,
    },
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Header cell.
    pub header: Vec<Span>,
    /// Alignment.
    pub align: Align,
}

/// One bar of a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    /// Label under the bar.
    pub label: String,
    /// The value.
    pub value: f64,
    /// The value as the locale writes it.
    pub display: String,
}

/// A block of a composed document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Block {
    /// A heading, level 1–3.
    Heading {
        /// Level.
        level: u8,
        /// Text.
        content: Vec<Span>,
    },
    /// A paragraph.
    Paragraph {
        /// Text.
        content: Vec<Span>,
    },
    /// A bullet or numbered list.
    List {
        /// Numbered.
        ordered: bool,
        /// Items.
        items: Vec<Vec<Span>>,
    },
    /// A horizontal rule.
    Rule,
    /// An image from the design or brand folder.
    Image {
        /// `brand:file` or a file of the design.
        src: String,
        /// Alternative text.
        alt: String,
    },
    /// Blocks for some channels only.
    Only {
        /// The channels.
        channels: Vec<Channel>,
        /// The blocks.
        blocks: Vec<Block>,
    },
    /// A highlighted box.
    Notice {
        /// Tone.
        tone: Tone,
        /// Content.
        blocks: Vec<Block>,
    },
    /// Small print.
    Small {
        /// Content.
        blocks: Vec<Block>,
    },
    /// A remittance slip (print only).
    Remittance {
        /// Content.
        blocks: Vec<Block>,
    },
    /// A table with header, rows from data and footer rows.
    Table {
        /// Columns.
        columns: Vec<Column>,
        /// Body rows: cells of spans.
        rows: Vec<Vec<Vec<Span>>>,
        /// Footer rows (totals).
        footer: Vec<Vec<Vec<Span>>>,
    },
    /// Key/value rows: a summary, or the document's references.
    Rows {
        /// Reference numbers (placed beside the address in print).
        references: bool,
        /// `(label, value)` rows.
        rows: Vec<(Vec<Span>, Vec<Span>)>,
    },
    /// The recipient's postal address.
    Address {
        /// Lines, empty ones removed.
        lines: Vec<String>,
    },
    /// A call-to-action button.
    Button {
        /// Label.
        text: String,
        /// Target.
        href: String,
    },
    /// A bar chart.
    Chart {
        /// Title.
        title: String,
        /// Unit of the values.
        unit: String,
        /// Bars.
        bars: Vec<Bar>,
    },
    /// A QR code.
    Qr {
        /// `url` or `epc`.
        kind: String,
        /// The encoded text.
        payload: String,
        /// Caption.
        caption: String,
    },
    /// A signature block.
    Signature {
        /// The party signing (e.g. "The customer").
        party: String,
        /// Name.
        name: String,
        /// Title or role.
        title: String,
        /// Place and date line.
        place: String,
    },
}

/// A composed communication for one customer: everything every channel needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Design id.
    pub design: String,
    /// Design version.
    pub version: String,
    /// The record's id.
    pub record: String,
    /// Locale used.
    pub locale: String,
    /// The document date, formatted for the locale.
    pub date: String,
    /// The document date, ISO.
    pub date_iso: String,
    /// Paper size for print.
    pub paper: Paper,
    /// Currency of the money amounts.
    pub currency: String,
    /// Email subject.
    pub subject: String,
    /// Email preheader.
    pub preheader: String,
    /// SMS text, when the design has one.
    pub sms: Option<String>,
    /// Recipient name, when known.
    pub name: Option<String>,
    /// Email address, when the record has one.
    pub email: Option<String>,
    /// Phone number, when the record has one.
    pub phone: Option<String>,
    /// Postal code of the address, when the design names its field
    /// (`[recipient] postal_code`): print spools presort by it.
    pub postal_code: Option<String>,
    /// The content.
    pub blocks: Vec<Block>,
    /// Things the reader of a report should know (locale fallback, removed
    /// control characters, links left out). Never customer data.
    pub warnings: Vec<String>,
    /// The channels to try for this customer, in order (see [`Decisions`]).
    pub plan: Vec<Channel>,
    /// Why this customer gets what they get.
    pub decisions: Decisions,
}

/// What personalization decided for one record, in the form composition reads.
#[derive(Debug, Default)]
pub(crate) struct Decided {
    rules: Vec<bool>,
    /// Chosen variant per group.
    variants: Vec<String>,
    /// Chosen offer per slot: id, URL and the channels it may appear in.
    offers: Vec<(String, Option<ChosenOffer>)>,
}

#[derive(Debug)]
struct ChosenOffer {
    id: String,
    url: String,
    channels: Vec<Channel>,
}

impl Design {
    /// Composes the document for one customer record. A record that does not
    /// fit the declared fields fails with every problem listed.
    pub fn compose(&self, record: &Value, options: &ComposeOptions) -> Result<Document> {
        self.compose_for(record, options, &[])
    }

    /// Composes only what `channels` need (all when empty): an SMS-only send
    /// validates the record and fills the SMS text, and skips the body,
    /// subject and preheader. The record is validated in full either way.
    pub fn compose_for(
        &self,
        record: &Value,
        options: &ComposeOptions,
        channels: &[Channel],
    ) -> Result<Document> {
        let wants = |c: Channel| channels.is_empty() || channels.contains(&c);
        let id = record_id(&self.recipient.id, record);
        if !record.is_object() {
            return Err(ErrorKind::Record {
                record: id,
                problems: vec![FieldProblem {
                    path: "(record)".into(),
                    message: "expected a JSON object".into(),
                }],
            }
            .into());
        }
        let currency = match &self.currency_field {
            Some(f) => match f.get(record, None) {
                Ok(Some(Value::String(c))) if crate::locale::is_currency_code(c) => c.clone(),
                Ok(Some(Value::String(c))) => {
                    return Err(record_err(
                        &id,
                        &f.full,
                        &format!(
                            "{:?} is not an ISO 4217 currency code",
                            c.chars().take(10).collect::<String>()
                        ),
                    ));
                }
                _ => self.currency.clone(),
            },
            None => self.currency.clone(),
        };
        let problems = self.fields.check(record, &currency);
        if !problems.is_empty() {
            return Err(ErrorKind::Record {
                record: id,
                problems,
            }
            .into());
        }
        let wanted = self
            .recipient
            .locale
            .as_ref()
            .and_then(|f| f.get(record, None).ok().flatten())
            .and_then(Value::as_str);
        let (li, warning) = choose_locale(&self.manifest.locales, 0, wanted);
        let loc = &self.localized[li];
        let today = options.today.unwrap_or_else(crate::locale::today_utc);
        let (decided, decisions) =
            self.decide_inner(record, &id, wanted, li, warning.clone(), today)?;
        let mut warnings: Vec<String> = warning.into_iter().collect();
        let paper = self.manifest.paper.unwrap_or(if loc.tag() == "en-US" {
            Paper::Letter
        } else {
            Paper::A4
        });

        let mut env = Env {
            decided: &decided,
            root: record,
            row: None,
            loc,
            currency: &currency,
            warnings: &mut warnings,
        };
        let fail = |p: FieldProblem| -> Error {
            ErrorKind::Record {
                record: id.clone(),
                problems: vec![p],
            }
            .into()
        };
        let email_wanted = wants(Channel::Email);
        let body_wanted = email_wanted || wants(Channel::Print);
        let (subject, preheader) = if email_wanted {
            (
                collapse(&self.subject.to_text(&mut env).map_err(fail)?),
                collapse(&self.preheader.to_text(&mut env).map_err(fail)?),
            )
        } else {
            (String::new(), String::new())
        };
        let sms = match &self.sms {
            Some(t) if wants(Channel::Sms) => {
                Some(t.to_text(&mut env).map_err(fail)?.trim().to_owned())
            }
            _ => None,
        };
        // A contact field is text; a phone number or postal code may also
        // be declared as a whole number (a US ZIP, a German PLZ).
        let contact = |f: &Option<FieldRef>, env: &mut Env<'_>| -> Option<String> {
            let v = f.as_ref()?.get(record, None).ok().flatten()?;
            let v = match v.as_u64() {
                Some(n) => std::borrow::Cow::Owned(n.to_string()),
                None => std::borrow::Cow::Borrowed(v.as_str()?),
            };
            let mut s = String::new();
            push_clean(&mut s, &v, env.warnings, &f.as_ref()?.full);
            let s = s.trim().to_owned();
            (!s.is_empty()).then_some(s)
        };
        let name = contact(&self.recipient.name, &mut env);
        let email = contact(&self.recipient.email, &mut env);
        let phone = contact(&self.recipient.phone, &mut env);
        let postal_code = contact(&self.recipient.postal_code, &mut env);
        let blocks = if body_wanted {
            compose_blocks(&self.body, &mut env).map_err(fail)?
        } else {
            Vec::new()
        };
        Ok(Document {
            design: self.manifest.id.clone(),
            version: self.manifest.version.clone(),
            record: id,
            locale: loc.tag().to_owned(),
            date: loc.formats.date(today, DateStyle::Long),
            date_iso: format!("{:04}-{:02}-{:02}", today.year, today.month, today.day),
            paper,
            currency,
            subject,
            preheader,
            sms,
            name,
            email,
            phone,
            postal_code,
            blocks,
            warnings,
            plan: decisions.plan.clone(),
            decisions,
        })
    }

    /// Evaluates every rule of the design (named rules, inline conditions,
    /// offer eligibility) for an already validated record, in declaration
    /// order. For benchmarks: [`Design::decide`] is the API.
    #[doc(hidden)]
    pub fn evaluate_rules(&self, record: &Value) -> std::result::Result<Vec<bool>, FieldProblem> {
        evaluate(&self.rules, record)
    }

    /// Evaluates personalization for one record without composing it: which
    /// rules fire, the variants, the offers (and why others were not chosen),
    /// the locale and the channel plan. The record is validated first.
    pub fn decide(&self, record: &Value, options: &ComposeOptions) -> Result<Decisions> {
        let id = record_id(&self.recipient.id, record);
        let currency = self
            .currency_field
            .as_ref()
            .and_then(|f| f.get(record, None).ok().flatten())
            .and_then(Value::as_str)
            .unwrap_or(&self.currency)
            .to_owned();
        let problems = self.fields.check(record, &currency);
        if !problems.is_empty() {
            return Err(ErrorKind::Record {
                record: id,
                problems,
            }
            .into());
        }
        let wanted = self
            .recipient
            .locale
            .as_ref()
            .and_then(|f| f.get(record, None).ok().flatten())
            .and_then(Value::as_str);
        let (li, warning) = choose_locale(&self.manifest.locales, 0, wanted);
        let today = options.today.unwrap_or_else(crate::locale::today_utc);
        Ok(self
            .decide_inner(record, &id, wanted, li, warning, today)?
            .1)
    }

    fn decide_inner(
        &self,
        record: &Value,
        id: &str,
        wanted: Option<&str>,
        li: usize,
        warning: Option<String>,
        today: Date,
    ) -> Result<(Decided, Decisions)> {
        let results = evaluate(&self.rules, record).map_err(|p| -> Error {
            ErrorKind::Record {
                record: id.to_owned(),
                problems: vec![p],
            }
            .into()
        })?;
        let rules = self
            .rules
            .iter()
            .zip(&results)
            .map(|(r, fired)| RuleOutcome {
                name: r.name.clone(),
                expression: r.source.clone(),
                fired: *fired,
            })
            .collect();
        let mut variants = Vec::with_capacity(self.variants.len());
        let mut chosen_variants = Vec::with_capacity(self.variants.len());
        for g in &self.variants {
            let b = bucket(&g.name, id);
            let mut acc = 0;
            let chosen = g.variants.iter().find(|(_, w)| {
                acc += w;
                b < acc
            });
            let name = chosen
                .or(g.variants.last())
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            chosen_variants.push(name.clone());
            variants.push(VariantChoice {
                group: g.name.clone(),
                chosen: name,
                bucket: b,
            });
        }
        let flag = |ch: &str| -> Option<bool> {
            let c = self.recipient.consent.as_ref()?;
            lookup(record, &format!("{c}.{ch}"))?.as_bool()
        };
        let present = |f: &Option<FieldRef>| {
            f.as_ref()
                .and_then(|f| f.get(record, None).ok().flatten())
                .and_then(Value::as_str)
                .is_some_and(|s| !s.trim().is_empty())
        };
        let preferred = self
            .recipient
            .preferred_channel
            .as_ref()
            .and_then(|f| f.get(record, None).ok().flatten())
            .and_then(Value::as_str);
        let (plan, channels) = channel_plan(&Reach {
            design_channels: &self.manifest.channels,
            preferred,
            has_email: present(&self.recipient.email),
            has_phone: present(&self.recipient.phone),
            has_address: self.manifest.channels.contains(&Channel::Print),
            consent: [flag("email"), flag("sms"), flag("print")],
        });
        let marketing_ok = flag("marketing") == Some(true);
        let mut offers = Vec::new();
        let mut chosen_offers = Vec::new();
        let mut marketing = false;
        for slot in &self.slots {
            let mut considered = Vec::new();
            let mut chosen: Option<&crate::personalize::offers::Offer> = None;
            for o in self.offers.iter().filter(|o| o.slots.contains(slot)) {
                let reason = if chosen.is_some() {
                    "a higher-priority offer was chosen".to_owned()
                } else if o.valid_from.is_some_and(|d| today < d) {
                    "not valid yet".to_owned()
                } else if o.valid_until.is_some_and(|d| today > d) {
                    "expired".to_owned()
                } else if o.marketing && !marketing_ok {
                    "marketing offer: the customer has not consented to marketing".to_owned()
                } else if let Some(ri) = o.rule
                    && !results[ri]
                {
                    format!("its rule did not fire: {}", self.rules[ri].source)
                } else if !o.channels.is_empty() && !o.channels.iter().any(|c| plan.contains(c)) {
                    "none of its channels is in the customer's plan".to_owned()
                } else {
                    chosen = Some(o);
                    "chosen: highest-priority eligible offer".to_owned()
                };
                considered.push(OfferConsidered {
                    offer: o.id.clone(),
                    priority: o.priority,
                    reason,
                });
            }
            marketing |= chosen.is_some_and(|o| o.marketing);
            offers.push(OfferDecision {
                slot: slot.clone(),
                chosen: chosen.map(|o| o.id.clone()),
                considered,
            });
            chosen_offers.push((
                slot.clone(),
                chosen.map(|o| ChosenOffer {
                    id: o.id.clone(),
                    url: o.url.clone(),
                    channels: o.channels.clone(),
                }),
            ));
        }
        let chosen_tag = self.manifest.locales[li].clone();
        let reason = match (&warning, wanted) {
            (Some(w), _) => w.clone(),
            (None, None) => "no preference: the design's default".to_owned(),
            (None, Some(w))
                if w.eq_ignore_ascii_case(&chosen_tag)
                    || w.replace('_', "-").eq_ignore_ascii_case(&chosen_tag) =>
            {
                "the customer's preference".to_owned()
            }
            (None, Some(_)) => "closest offered locale of the same language".to_owned(),
        };
        let locale = LocaleDecision {
            wanted: wanted.map(|w| w.chars().filter(|c| !c.is_control()).take(35).collect()),
            chosen: chosen_tag,
            reason,
        };
        let decisions = Decisions {
            locale,
            rules,
            variants,
            offers,
            plan,
            channels,
            marketing,
        };
        let decided = Decided {
            rules: results,
            variants: chosen_variants,
            offers: chosen_offers,
        };
        Ok((decided, decisions))
    }

    /// The id of a record as reports name it: the `[recipient] id` field, or
    /// `(no id)` when it is missing.
    pub fn record_id(&self, record: &Value) -> String {
        record_id(&self.recipient.id, record)
    }
}

/// The value at a dotted path of a record.
fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, seg| cur.get(seg))
}

fn record_err(id: &str, path: &str, msg: &str) -> Error {
    ErrorKind::Record {
        record: id.to_owned(),
        problems: vec![FieldProblem {
            path: path.to_owned(),
            message: msg.to_owned(),
        }],
    }
    .into()
}

fn record_id(f: &FieldRef, record: &Value) -> String {
    match f.get(record, None) {
        Ok(Some(Value::String(s))) => s.chars().filter(|c| !c.is_control()).take(64).collect(),
        Ok(Some(Value::Number(n))) => n.to_string(),
        _ => "(no id)".to_owned(),
    }
}

/// Collapses runs of whitespace (subjects and preheaders are one line).
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn compose_blocks(blocks: &[DBlock], env: &mut Env<'_>) -> Result<Vec<Block>, FieldProblem> {
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        compose_block(b, env, &mut out)?;
    }
    Ok(out)
}

fn spans(inlines: &[Inline], env: &mut Env<'_>) -> Result<Vec<Span>, FieldProblem> {
    let mut out = Vec::with_capacity(inlines.len());
    for i in inlines {
        match i {
            Inline::Text(t) => {
                let s = t.to_text(env)?;
                if !s.is_empty() {
                    out.push(Span::Text { text: s });
                }
            }
            Inline::Strong(c) => out.push(Span::Strong {
                content: spans(c, env)?,
            }),
            Inline::Em(c) => out.push(Span::Em {
                content: spans(c, env)?,
            }),
            Inline::Link { label, href } => {
                let content = spans(label, env)?;
                let url = href.to_text(env)?.trim().to_owned();
                if is_safe_url(&url) {
                    out.push(Span::Link { href: url, content });
                } else {
                    env.warnings.push(format!(
                        "a link was shown as text: {:?} is not an https, http, mailto or tel URL",
                        truncate(&url)
                    ));
                    out.extend(content);
                }
            }
        }
    }
    Ok(out)
}

fn truncate(s: &str) -> String {
    let t: String = s.chars().filter(|c| !c.is_control()).take(40).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn text(t: &Option<Template>, env: &mut Env<'_>) -> Result<String, FieldProblem> {
    match t {
        Some(t) => Ok(t.to_text(env)?.trim().to_owned()),
        None => Ok(String::new()),
    }
}

fn compose_block(b: &DBlock, env: &mut Env<'_>, out: &mut Vec<Block>) -> Result<(), FieldProblem> {
    let block = match b {
        DBlock::Heading { level, content } => Block::Heading {
            level: *level,
            content: spans(content, env)?,
        },
        DBlock::Paragraph(c) => Block::Paragraph {
            content: spans(c, env)?,
        },
        DBlock::List { ordered, items } => Block::List {
            ordered: *ordered,
            items: items
                .iter()
                .map(|i| spans(i, env))
                .collect::<Result<_, _>>()?,
        },
        DBlock::Rule => Block::Rule,
        DBlock::Image { src, alt } => Block::Image {
            src: src.clone(),
            alt: alt.clone(),
        },
        DBlock::Variant {
            group,
            value,
            blocks,
        } => {
            if env.decided.variants.get(*group) == Some(value) {
                for b in blocks {
                    compose_block(b, env, out)?;
                }
            }
            return Ok(());
        }
        DBlock::Offer { slot } => {
            let chosen = env
                .decided
                .offers
                .iter()
                .find(|(s, _)| s == slot)
                .and_then(|(_, o)| o.as_ref());
            if let Some(offer) = chosen {
                let args = fluent_bundle::FluentArgs::new();
                let msg = |part: &str| {
                    env.loc
                        .message(&format!("offer-{}-{part}", offer.id), &args)
                };
                let block = Block::Notice {
                    tone: Tone::Success,
                    blocks: vec![
                        Block::Heading {
                            level: 3,
                            content: vec![Span::Text { text: msg("title") }],
                        },
                        Block::Paragraph {
                            content: vec![Span::Text { text: msg("text") }],
                        },
                        Block::Button {
                            text: msg("cta"),
                            href: offer.url.clone(),
                        },
                    ],
                };
                out.push(if offer.channels.is_empty() {
                    block
                } else {
                    Block::Only {
                        channels: offer.channels.clone(),
                        blocks: vec![block],
                    }
                });
            }
            return Ok(());
        }
        DBlock::If {
            cond,
            negate,
            then,
            otherwise,
        } => {
            let truthy = match cond {
                Cond::Field(field) => field.get(env.root, None)?.is_some_and(is_truthy),
                Cond::Rule(i) => env.decided.rules.get(*i).copied().unwrap_or(false),
            };
            for b in if truthy != *negate { then } else { otherwise } {
                compose_block(b, env, out)?;
            }
            return Ok(());
        }
        DBlock::Only { channels, blocks } => Block::Only {
            channels: channels.clone(),
            blocks: compose_blocks(blocks, env)?,
        },
        DBlock::Notice { tone, blocks } => Block::Notice {
            tone: *tone,
            blocks: compose_blocks(blocks, env)?,
        },
        DBlock::Small(blocks) => Block::Small {
            blocks: compose_blocks(blocks, env)?,
        },
        DBlock::Remittance(blocks) => Block::Remittance {
            blocks: compose_blocks(blocks, env)?,
        },
        DBlock::Table(t) => {
            let columns = t
                .columns
                .iter()
                .map(|(h, a)| {
                    Ok(Column {
                        header: spans(h, env)?,
                        align: *a,
                    })
                })
                .collect::<Result<_, FieldProblem>>()?;
            let entries = t
                .list
                .get(env.root, None)?
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let mut rows = Vec::with_capacity(entries.len());
            let saved = env.row;
            for (i, entry) in entries.iter().enumerate() {
                env.row = Some((entry, i));
                let r: Result<Vec<_>, _> = t.row.iter().map(|c| spans(c, env)).collect();
                let r = r.map_err(|mut p| {
                    p.path = p
                        .path
                        .replacen(&*t.list.full, &format!("{}[{i}]", t.list.full), 1);
                    p
                });
                env.row = saved;
                rows.push(r?);
            }
            let footer = t
                .footer
                .iter()
                .map(|row| row.iter().map(|c| spans(c, env)).collect())
                .collect::<Result<_, _>>()?;
            Block::Table {
                columns,
                rows,
                footer,
            }
        }
        DBlock::Rows { references, rows } => {
            let mut out_rows = Vec::with_capacity(rows.len());
            for (l, v) in rows {
                let value = spans(v, env)?;
                if !value.is_empty() {
                    out_rows.push((spans(l, env)?, value));
                }
            }
            Block::Rows {
                references: *references,
                rows: out_rows,
            }
        }
        DBlock::Address(lines) => {
            let mut out_lines = Vec::with_capacity(lines.len());
            for l in lines {
                let s = l.to_text(env)?;
                let s = collapse(&s);
                if !s.is_empty() {
                    out_lines.push(s);
                }
            }
            Block::Address { lines: out_lines }
        }
        DBlock::Button { text: t, href } => {
            let label = t.to_text(env)?.trim().to_owned();
            let url = href.to_text(env)?.trim().to_owned();
            if !is_safe_url(&url) {
                env.warnings.push(format!(
                    "button {:?} left out: its link is not an https, http, mailto or tel URL",
                    truncate(&label)
                ));
                return Ok(());
            }
            Block::Button {
                text: label,
                href: url,
            }
        }
        DBlock::Chart(c) => {
            let title = text(&c.title, env)?;
            let entries = c
                .list
                .get(env.root, None)?
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let mut bars = Vec::with_capacity(entries.len());
            let saved = env.row;
            for (i, entry) in entries.iter().enumerate() {
                env.row = Some((entry, i));
                let label = c.label.to_text(env);
                let value = c.value.get(env.root, Some(entry));
                env.row = saved;
                let label = label?.trim().to_owned();
                let value = match value? {
                    Some(v) if c.value.ty.kind == Kind::Money => {
                        money_minor(v, 2).unwrap_or(0) as f64 / 100.0
                    }
                    Some(v) => v.as_f64().unwrap_or(0.0),
                    None => continue,
                };
                let display = env.loc.formats.number(value, None);
                bars.push(Bar {
                    label,
                    value,
                    display,
                });
            }
            Block::Chart {
                title,
                unit: c.unit.clone(),
                bars,
            }
        }
        DBlock::Qr(q) => match &**q {
            QrSpec::Url { data, caption } => {
                let payload = data.to_text(env)?.trim().to_owned();
                if !is_safe_url(&payload) {
                    env.warnings.push(
                        "QR code left out: its data is not an https, http, mailto or tel URL"
                            .to_owned(),
                    );
                    return Ok(());
                }
                Block::Qr {
                    kind: "url".into(),
                    payload,
                    caption: text(caption, env)?,
                }
            }
            QrSpec::Epc {
                name,
                iban,
                bic,
                amount,
                reference,
                caption,
            } => {
                let minor = amount
                    .get(env.root, None)?
                    .and_then(|v| money_minor(v, currency_digits(env.currency)));
                let iban = text(&Some(iban.clone()), env)?
                    .replace(' ', "")
                    .to_uppercase();
                let bic = text(bic, env)?.replace(' ', "").to_uppercase();
                let name = text(&Some(name.clone()), env)?;
                let reference = text(&Some(reference.clone()), env)?;
                match epc_payload(env.currency, minor, &name, &iban, &bic, &reference) {
                    Ok(payload) => Block::Qr {
                        kind: "epc".into(),
                        payload,
                        caption: text(caption, env)?,
                    },
                    Err(why) => {
                        env.warnings
                            .push(format!("payment QR code left out: {why}"));
                        return Ok(());
                    }
                }
            }
        },
        DBlock::Signature {
            party,
            name,
            title,
            place,
        } => Block::Signature {
            party: text(party, env)?,
            name: text(&Some(name.clone()), env)?,
            title: text(title, env)?,
            place: text(place, env)?,
        },
    };
    out.push(block);
    Ok(())
}

/// The EPC069-12 (GiroCode) payload of a SEPA credit transfer.
fn epc_payload(
    currency: &str,
    minor: Option<i64>,
    name: &str,
    iban: &str,
    bic: &str,
    reference: &str,
) -> Result<String, String> {
    if currency != "EUR" {
        return Err(format!(
            "EPC payments are in EUR, this record is in {currency}"
        ));
    }
    let minor = minor.ok_or("no amount")?;
    if minor <= 0 || minor > 99_999_999_999 {
        return Err("the amount must be between 0.01 and 999999999.99".into());
    }
    if !iban_ok(iban) {
        return Err("the IBAN is not valid".into());
    }
    if name.is_empty() || name.chars().count() > 70 {
        return Err("the beneficiary name must have 1 to 70 characters".into());
    }
    if reference.chars().count() > 140 {
        return Err("the reference is longer than 140 characters".into());
    }
    let clean = |s: &str| {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
    };
    Ok(format!(
        "BCD\n002\n1\nSCT\n{}\n{}\n{}\nEUR{}.{:02}\n\n\n{}",
        clean(bic),
        clean(name),
        iban,
        minor / 100,
        minor % 100,
        clean(reference)
    ))
}

/// IBAN check digits (ISO 13616, mod 97).
fn iban_ok(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

impl Document {
    /// The blocks a channel shows: `only` sections of other channels removed.
    pub fn blocks_for(&self, channel: Channel) -> impl Iterator<Item = &Block> {
        flatten_for(&self.blocks, channel)
    }
}

/// Iterates blocks for a channel, entering `only` sections that include it.
pub(crate) fn flatten_for(blocks: &[Block], channel: Channel) -> impl Iterator<Item = &Block> {
    let mut stack: Vec<std::slice::Iter<'_, Block>> = vec![blocks.iter()];
    std::iter::from_fn(move || {
        loop {
            let it = stack.last_mut()?;
            match it.next() {
                None => {
                    stack.pop();
                }
                Some(Block::Only { channels, blocks }) => {
                    if channels.contains(&channel) {
                        stack.push(blocks.iter());
                    }
                }
                Some(b) => return Some(b),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_check() {
        assert!(iban_ok("DE89370400440532013000"));
        assert!(!iban_ok("DE89370400440532013001"));
    }
}

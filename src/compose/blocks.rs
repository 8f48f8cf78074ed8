//! The body: the design's blocks composed for one record. Conditions and
//! variants are decided here; data-bound blocks (tables, charts) take one
//! row per list entry.

use serde_json::Value;

use super::Cx;
use super::payment::epc_payload;
use super::qrbill::swiss_block;
use crate::design::body::{Block as DBlock, ChartSpec, Cond, Inline, QrSpec, TableSpec};
use crate::design::fields::{Kind, is_safe_url, money_minor};
use crate::design::template::{Env, Template, is_truthy};
use crate::locale::currency_digits;
use crate::model::{Bar, Block, Column, FieldProblem, Span, Tone};

type Composed<T> = Result<T, FieldProblem>;

pub(super) fn compose_blocks(blocks: &[DBlock], cx: &mut Cx<'_>) -> Composed<Vec<Block>> {
    let mut out = Vec::with_capacity(blocks.len());
    compose_into(blocks, cx, &mut out)?;
    Ok(out)
}

/// Composes one block into `out`: none (a condition not met, a block left
/// out with a warning), one, or several (the blocks of a condition met).
fn compose_block(b: &DBlock, cx: &mut Cx<'_>, out: &mut Vec<Block>) -> Composed<()> {
    let env = &mut cx.env;
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
                .collect::<Composed<_>>()?,
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
            if cx.decided.variants.get(*group) == Some(value) {
                compose_into(blocks, cx, out)?;
            }
            return Ok(());
        }
        DBlock::Offer { slot } => {
            out.extend(offer(slot, cx));
            return Ok(());
        }
        DBlock::If {
            cond,
            negate,
            then,
            otherwise,
        } => return condition(cond, *negate, then, otherwise, cx, out),
        DBlock::Only { channels, blocks } => Block::Only {
            channels: channels.clone(),
            blocks: compose_blocks(blocks, cx)?,
        },
        DBlock::Notice { tone, blocks } => Block::Notice {
            tone: *tone,
            blocks: compose_blocks(blocks, cx)?,
        },
        DBlock::Small(blocks) => Block::Small {
            blocks: compose_blocks(blocks, cx)?,
        },
        DBlock::Remittance(blocks) => Block::Remittance {
            blocks: compose_blocks(blocks, cx)?,
        },
        DBlock::Table(t) => table(t, env)?,
        DBlock::Rows { references, rows } => key_values(*references, rows, env)?,
        DBlock::Address(lines) => address(lines, env)?,
        DBlock::Button { text: t, href } => match button(t, href, env)? {
            Some(b) => b,
            None => return Ok(()),
        },
        DBlock::Chart(c) => chart(c, env)?,
        DBlock::Qr(q) => match qr(q, env)? {
            Some(b) => b,
            None => return Ok(()),
        },
        DBlock::Signature {
            party,
            name,
            title,
            place,
        } => signature([party, title, place], name, env)?,
    };
    out.push(block);
    Ok(())
}

/// The blocks of `::: if` (or `::: unless`) whose condition holds.
fn condition(
    cond: &Cond,
    negate: bool,
    then: &[DBlock],
    otherwise: &[DBlock],
    cx: &mut Cx<'_>,
    out: &mut Vec<Block>,
) -> Composed<()> {
    let truthy = match cond {
        Cond::Field(field) => cx.env.field(field, None)?.is_some_and(is_truthy),
        Cond::Rule(rule) => cx.decided.rules.fired(*rule),
    };
    compose_into(if truthy != negate { then } else { otherwise }, cx, out)
}

/// Composes `blocks` into `out`, as if they stood in place of the
/// component holding them.
fn compose_into(blocks: &[DBlock], cx: &mut Cx<'_>, out: &mut Vec<Block>) -> Composed<()> {
    for b in blocks {
        compose_block(b, cx, out)?;
    }
    Ok(())
}

/// A signature block: its party, title and place (empty when the design
/// has none) and the signer's name.
fn signature(
    [party, title, place]: [&Option<Template>; 3],
    name: &Template,
    env: &mut Env<'_>,
) -> Composed<Block> {
    Ok(Block::Signature {
        party: text(party, env)?,
        name: trimmed(name, env)?,
        title: text(title, env)?,
        place: text(place, env)?,
    })
}

/// `::: summary` and `::: references`: the rows whose value is not empty.
fn key_values(
    references: bool,
    rows: &[(Vec<Inline>, Vec<Inline>)],
    env: &mut Env<'_>,
) -> Composed<Block> {
    let mut out_rows = Vec::with_capacity(rows.len());
    for (l, v) in rows {
        let value = spans(v, env)?;
        if !value.is_empty() {
            out_rows.push((spans(l, env)?, value));
        }
    }
    Ok(Block::Rows {
        references,
        rows: out_rows,
    })
}

/// The address lines that are not empty, whitespace collapsed.
fn address(lines: &[Template], env: &mut Env<'_>) -> Composed<Block> {
    let mut out_lines = Vec::with_capacity(lines.len());
    for l in lines {
        let s = super::collapse(&l.to_text(env)?);
        if !s.is_empty() {
            out_lines.push(s);
        }
    }
    Ok(Block::Address { lines: out_lines })
}

pub(super) fn spans(inlines: &[Inline], env: &mut Env<'_>) -> Composed<Vec<Span>> {
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

/// An optional template as trimmed text, empty when the design has none.
fn text(t: &Option<Template>, env: &mut Env<'_>) -> Composed<String> {
    match t {
        Some(t) => trimmed(t, env),
        None => Ok(String::new()),
    }
}

fn trimmed(t: &Template, env: &mut Env<'_>) -> Composed<String> {
    Ok(t.to_text(env)?.trim().to_owned())
}

/// The offer chosen for a slot as a notice with a button, limited to the
/// offer's channels; nothing when no offer was chosen.
fn offer(slot: &str, cx: &Cx<'_>) -> Option<Block> {
    let (_, chosen) = cx.decided.offers.iter().find(|(s, _)| s == slot)?;
    let offer = chosen.as_ref()?;
    let args = fluent_bundle::FluentArgs::new();
    let msg = |part: &str| {
        cx.env
            .loc
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
    Some(if offer.channels.is_empty() {
        block
    } else {
        Block::Only {
            channels: offer.channels.clone(),
            blocks: vec![block],
        }
    })
}

/// The entries of a list field, none when it is missing.
fn entries<'v>(list: &crate::design::template::FieldRef, env: &Env<'v>) -> Composed<&'v [Value]> {
    Ok(env
        .field(list, None)?
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]))
}

fn table(t: &TableSpec, env: &mut Env<'_>) -> Composed<Block> {
    let columns = t
        .columns
        .iter()
        .map(|(h, a)| {
            Ok(Column {
                header: spans(h, env)?,
                align: *a,
            })
        })
        .collect::<Composed<_>>()?;
    let entries = entries(&t.list, env)?;
    let mut rows = Vec::with_capacity(entries.len());
    let saved = env.row;
    for (i, entry) in entries.iter().enumerate() {
        env.row = Some((entry, i));
        let r: Composed<Vec<_>> = t.row.iter().map(|c| spans(c, env)).collect();
        env.row = saved;
        // A problem in a row names the entry: `items[3].amount`.
        rows.push(r.map_err(|mut p| {
            p.path = p
                .path
                .replacen(&*t.list.full, &format!("{}[{i}]", t.list.full), 1);
            p
        })?);
    }
    let footer = t
        .footer
        .iter()
        .map(|row| row.iter().map(|c| spans(c, env)).collect())
        .collect::<Composed<_>>()?;
    Ok(Block::Table {
        columns,
        rows,
        footer,
    })
}

/// A button, or `None` (with a warning) when its link is not safe.
fn button(label: &Template, href: &Template, env: &mut Env<'_>) -> Composed<Option<Block>> {
    let label = trimmed(label, env)?;
    let url = trimmed(href, env)?;
    if !is_safe_url(&url) {
        env.warnings.push(format!(
            "button {:?} left out: its link is not an https, http, mailto or tel URL",
            truncate(&label)
        ));
        return Ok(None);
    }
    Ok(Some(Block::Button {
        text: label,
        href: url,
    }))
}

fn chart(c: &ChartSpec, env: &mut Env<'_>) -> Composed<Block> {
    let title = text(&c.title, env)?;
    let entries = entries(&c.list, env)?;
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
    Ok(Block::Chart {
        title,
        unit: c.unit.clone(),
        bars,
    })
}

/// A QR code, or `None` (with a warning) when its data cannot be encoded
/// safely: a link that is not https, http, mailto or tel, a payment that
/// fails the EPC checks. A Swiss QR-bill that breaks the standard is an
/// error: its payment part is the bill's remittance slip.
fn qr(q: &QrSpec, env: &mut Env<'_>) -> Composed<Option<Block>> {
    match q {
        QrSpec::Swiss(s) => Ok(Some(swiss_block(s, env)?)),
        QrSpec::Auto { swiss, .. } if env.currency == "CHF" => Ok(Some(swiss_block(swiss, env)?)),
        QrSpec::Auto { epc, .. } => qr(epc, env),
        QrSpec::Url { data, caption } => {
            let payload = trimmed(data, env)?;
            if !is_safe_url(&payload) {
                env.warnings.push(
                    "QR code left out: its data is not an https, http, mailto or tel URL"
                        .to_owned(),
                );
                return Ok(None);
            }
            Ok(Some(Block::Qr {
                kind: "url".into(),
                payload,
                caption: text(caption, env)?,
            }))
        }
        QrSpec::Epc {
            name,
            iban,
            bic,
            amount,
            reference,
            caption,
        } => {
            let minor = env
                .field(amount, None)?
                .and_then(|v| money_minor(v, currency_digits(env.currency)));
            let iban = trimmed(iban, env)?.replace(' ', "").to_uppercase();
            let bic = text(bic, env)?.replace(' ', "").to_uppercase();
            let name = trimmed(name, env)?;
            let reference = trimmed(reference, env)?;
            match epc_payload(env.currency, minor, &name, &iban, &bic, &reference) {
                Ok(payload) => Ok(Some(Block::Qr {
                    kind: "epc".into(),
                    payload,
                    caption: text(caption, env)?,
                })),
                Err(why) => {
                    env.warnings
                        .push(format!("payment QR code left out: {why}"));
                    Ok(None)
                }
            }
        }
    }
}

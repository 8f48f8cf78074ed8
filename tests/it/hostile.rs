//! Data is never markup (DESIGN.md invariant 2): hostile customer strings go
//! into every string field of every design and sample, and the output shows
//! them as text and gains nothing: no tag, attribute, link, header line or
//! block that the benign record did not have.

use crate::common;

use std::collections::BTreeMap;

use common::{DESIGNS, design, options, samples, set_path};
use serde_json::{Value, json};
use vellum::{ErrorKind, Kind};

fn hostile() -> Vec<String> {
    vec![
        "<script>alert(1)</script>".into(),
        "<img src=x onerror=alert(1)>".into(),
        "\"><b onmouseover=\"alert(1)\">x</b>".into(),
        "' onclick='alert(1)".into(),
        "javascript:alert(document.cookie)".into(),
        "**bold** _em_ [click](javascript:alert(1)) ![i](x.png)".into(),
        "# heading\n- list\n::: table for=items\n| a |".into(),
        "{{customer.id}} {{{raw}}} {{#if x}}y{{/if}} {{> contact}}".into(),
        "#read(\"/etc/passwd\") #import \"@preview/x:0.1.0\" $x^2$ ] [ \\".into(),
        "Bcc: victim@example.com\r\nSubject: pwned\r\n\r\nbody".into(),
        "nul\0byte and tab\tand bell\u{7}".into(),
        "\u{202E}gnp.exe\u{202C} \u{2067}rtl\u{2069}".into(),
        "x".repeat(10_000),
        "😀👍🏽 family 👨‍👩‍👧‍👦".into(),
        "张伟 北京市朝阳区建国路88号".into(),
        "&amp; &lt; &#x3C; %3Cscript%3E".into(),
    ]
}

/// How often each tag name and each `tag attr` pair appears.
fn skeleton(html: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let mut words = tag.split_whitespace();
        if let Some(name) = words.next() {
            let name = name.to_ascii_lowercase();
            *out.entry(name.clone()).or_default() += 1;
            for w in words {
                let attr = w.split('=').next().unwrap_or("").to_ascii_lowercase();
                *out.entry(format!("{name} {attr}")).or_default() += 1;
            }
        }
        rest = &rest[end..];
    }
    out
}

/// What a data string looks like after vellum made it safe to show:
/// control characters become one space, bidi controls are removed.
fn cleaned(s: &str) -> String {
    let mut out = String::new();
    let mut last_space = false;
    for c in s.chars() {
        if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            continue;
        }
        if c.is_control() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        out.push(c);
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Whether `err` is a Swiss QR-bill refusing a value of `path` for the
/// customer `id`: the record, the field and the standard named.
fn swiss_refusal(err: &str, id: &str, path: &str) -> bool {
    let (head, _) = err.split_once(": Swiss QR-bill: ").unwrap_or_default();
    head.strip_prefix(&format!("record {id}: "))
        .is_some_and(|fields| fields.split([',', ' ']).any(|f| f == path))
}

#[test]
fn hostile_strings_in_every_string_field_stay_text() {
    let mut checked = 0;
    for name in DESIGNS {
        let d = design(name);
        let strings: Vec<String> = d
            .fields()
            .filter(|(_, t)| t.kind == Kind::String)
            .map(|(p, _)| p.to_owned())
            .collect();
        for (id, record) in samples(name) {
            let base_doc = vellum::compose(&d, &record, &options()).unwrap();
            let base = vellum::render::email(&d, &base_doc).unwrap();
            let base_skeleton = skeleton(&base.html);
            for path in &strings {
                if path.ends_with("currency") || path.ends_with("locale") {
                    continue; // checked below: a bad currency is a record error; a bad locale falls back
                }
                for evil in hostile() {
                    let mut r = record.clone();
                    if set_path(&mut r, path, &json!(evil)) == 0 {
                        continue; // optional field absent in this sample
                    }
                    let ctx = format!(
                        "{name}/{id} {path} = {:?}",
                        evil.chars().take(40).collect::<String>()
                    );
                    let doc = match vellum::compose(&d, &r, &options()) {
                        Ok(doc) => doc,
                        // A Swiss QR-bill takes only its character set and
                        // lengths: the record fails, naming the field.
                        Err(e) if swiss_refusal(&e.to_string(), &id, path) => continue,
                        Err(e) => panic!("{ctx}: {e}"),
                    };
                    let email =
                        vellum::render::email(&d, &doc).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                    // Nothing added to the HTML: no tag or attribute the benign record lacks.
                    let sk = skeleton(&email.html);
                    for (k, n) in &sk {
                        let before = base_skeleton.get(k).copied().unwrap_or(0);
                        assert!(
                            *n <= before,
                            "{ctx}: `<{k}>` appears {n} times, {before} before"
                        );
                    }
                    assert!(
                        !email.html.contains("<script") && !email.html.contains("<img src=x"),
                        "{ctx}"
                    );
                    assert!(
                        !email
                            .html
                            .to_ascii_lowercase()
                            .contains("href=\"javascript:"),
                        "{ctx}"
                    );
                    // Header safety: subject and preheader are one clean line.
                    for h in [&email.subject, &email.preheader] {
                        assert!(
                            !h.chars().any(|c| c.is_control()),
                            "{ctx}: control character in {h:?}"
                        );
                    }
                    assert!(
                        !email.html.contains('\0') && !email.text.contains('\0'),
                        "{ctx}: NUL in output"
                    );
                    assert!(
                        !email.text.contains('\u{202E}') && !email.html.contains('\u{202E}'),
                        "{ctx}: bidi override kept"
                    );
                    // Shown literally where it is shown: the cleaned string, escaped.
                    let shown = cleaned(&evil);
                    if visible_in_email(&d, &record, path) && evil.len() < 200 {
                        // The field is visible in the benign text part: the hostile value must be too.
                        let visible = email.text.contains(&shown)
                            || email.html.contains(&html_escape(&shown))
                            || wrapped(&email.text, &shown);
                        assert!(visible, "{ctx}: value not shown literally");
                    }
                    if let Some(sms) = &doc.sms {
                        assert!(!sms.contains('\0') && !sms.contains('\u{202E}'), "{ctx}");
                        match vellum::render::sms(&d, &doc) {
                            Ok(s) => assert!(s.segments <= d.manifest().max_sms_segments),
                            Err(e) => assert!(
                                matches!(e.kind(), ErrorKind::Render { .. })
                                    && e.to_string().contains("segments"),
                                "{ctx}: {e}"
                            ),
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} combinations checked");
}

/// Whether the field shows in the email's text part at all (some fields are
/// print-only, e.g. the address): probe with a unique marker.
fn visible_in_email(d: &vellum::Design, record: &Value, path: &str) -> bool {
    let mut r = record.clone();
    set_path(&mut r, path, &json!("Zq7Marker"));
    let doc = vellum::compose(d, &r, &options()).unwrap();
    vellum::render::email(d, &doc)
        .unwrap()
        .text
        .contains("Zq7Marker")
}

/// The text part wraps long lines; compare with whitespace collapsed.
fn wrapped(text: &str, s: &str) -> bool {
    let norm = |x: &str| x.split_whitespace().collect::<Vec<_>>().join(" ");
    norm(text).contains(&norm(s))
}

#[test]
fn hostile_strings_in_typed_fields_are_record_errors_naming_the_field() {
    for name in DESIGNS {
        let d = design(name);
        let typed: Vec<(String, Kind)> = d
            .fields()
            .filter(|(_, t)| !matches!(t.kind, Kind::String | Kind::List))
            .map(|(p, t)| (p.to_owned(), t.kind))
            .collect();
        let (id, record) = samples(name).into_iter().next().unwrap();
        for (path, kind) in typed {
            let mut r = record.clone();
            if set_path(&mut r, &path, &json!("<script>alert(1)</script>")) == 0 {
                continue;
            }
            let err = vellum::compose(&d, &r, &options())
                .expect_err(&format!("{name}/{id}: {path} ({kind:?}) accepted a script"));
            let msg = err.to_string();
            let ErrorKind::Record { record, problems } = err.kind() else {
                panic!("{msg}")
            };
            assert_eq!(record, &id);
            let list_path = path.split('.').next().unwrap();
            assert!(
                problems.iter().any(|p| p.path.starts_with(list_path)
                    && p.path.ends_with(path.rsplit('.').next().unwrap())),
                "{msg}"
            );
        }
    }
}

#[test]
fn javascript_urls_never_become_links() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["links"]["pay"] = json!("javascript:alert(1)");
    let err = vellum::compose(&d, &record, &options()).unwrap_err();
    assert!(err.to_string().contains("links.pay"), "{err}");
}

#[test]
fn a_missing_field_names_the_record_and_the_path() {
    let d = design("bill");
    let (id, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"].as_object_mut().unwrap().remove("name");
    record["items"][2].as_object_mut().unwrap().remove("amount");
    let err = vellum::compose(&d, &record, &options()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("record {id}: customer.name: missing field; items[2].amount: missing field")
    );
}

#[test]
fn handlebars_in_data_is_not_evaluated() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"]["first_name"] = json!("{{customer.id}}{{t \"title\"}}");
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    let email = vellum::render::email(&d, &doc).unwrap();
    assert!(
        email
            .html
            .contains("{{customer.id}}{{t &quot;title&quot;}}")
    );
}

#[test]
fn a_hostile_locale_falls_back_with_a_clean_warning() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"]["locale"] = json!("<script>\r\nx");
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    assert_eq!(doc.locale, "en-US");
    assert!(
        doc.warnings.iter().any(|w| w.contains("not offered")),
        "{:?}",
        doc.warnings
    );
    assert!(
        doc.warnings
            .iter()
            .all(|w| !w.chars().any(char::is_control))
    );
}

#[test]
fn bidi_controls_are_removed_with_a_warning() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"]["name"] = json!("Eve \u{202E}llib\u{202C}");
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("customer.name") && w.contains("bidirectional")),
        "{:?}",
        doc.warnings
    );
    assert!(!serde_json::to_string(&doc).unwrap().contains('\u{202E}'));
}

//! Factur-X / ZUGFeRD (EN 16931) bills, checked with outside tools: the
//! Python `factur-x` package validates the CII XML against the Factur-X
//! EN 16931 XSD and reads it back from the PDF (and tells its level);
//! `qpdf --check` checks the PDF; the XMP packet, read with pypdf (which
//! factur-x brings), has the `fx:` properties and keeps PDF/A-3b's id.
//!
//! Needs python3 with `factur-x` (pip install factur-x) and qpdf; the tests
//! fail with a message saying so when they are missing.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use vellum::deliver::{Body, MessageOptions};
use vellum::model::{Channel, Date, Document};
use vellum::render::{self, PdfOptions, PrintEngine};
use vellum::{ComposeOptions, Design, Pipeline, PipelineOptions, compose};

use super::common::{self, copy_dir};

fn options() -> ComposeOptions {
    ComposeOptions::today(Date::parse("2026-12-15").unwrap())
}

fn doc(design: &Design, record: &Value) -> Document {
    compose(design, record, &options()).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a Python program with arguments; its stdout parsed as JSON.
fn python(program: &str, args: &[&Path]) -> Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(program)
        .args(args)
        .output()
        .expect("python3 must be installed to run the Factur-X tests");
    assert!(
        out.status.success(),
        "python failed (is the factur-x package installed? pip install factur-x):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the checker prints JSON")
}

/// factur-x's XSD check of every XML file given: `true` or the error.
const CHECK_XSD: &str = r#"
import json, sys, facturx
out = {}
for path in sys.argv[1:]:
    xml = open(path, 'rb').read()
    try:
        facturx.xml_check_xsd(xml, flavor='factur-x', level='en16931')
        out[path] = True
    except Exception as e:
        out[path] = str(e)
print(json.dumps(out))
"#;

/// The PDF read back: the attachment's name and XML, the level factur-x
/// detects, and the XMP packet (pypdf).
const READ_PDF: &str = r#"
import json, sys, facturx, pypdf
from lxml import etree
path = sys.argv[1]
name, xml = facturx.get_facturx_xml_from_pdf(open(path, 'rb'), check_xsd=True)
flavor = facturx.get_flavor(etree.fromstring(xml))
level = facturx.get_level(etree.fromstring(xml))
root = pypdf.PdfReader(path).trailer['/Root']
meta = root['/Metadata'].get_object().get_data().decode('utf-8')
af = [f.get_object() for f in root.get('/AF', [])]
af = [{'name': str(f.get('/F')), 'relationship': str(f.get('/AFRelationship')),
       'mime': str(f['/EF']['/F'].get_object().get('/Subtype'))} for f in af]
print(json.dumps({'name': name, 'xml': xml.decode('utf-8'), 'flavor': flavor, 'level': level, 'xmp': meta, 'af': af}))
"#;

fn check_xsd(files: &[&Path]) {
    let result = python(CHECK_XSD, files);
    for f in files {
        let key = f.to_string_lossy();
        assert_eq!(
            result[key.as_ref()],
            json!(true),
            "{key}: {}",
            result[key.as_ref()]
        );
    }
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vellum-facturx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The element's text, for the first `<ram:name>` of the XML.
fn element<'x>(xml: &'x str, name: &str) -> &'x str {
    let open = format!("<ram:{name}");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no {name} in\n{xml}"));
    let text = &xml[start..];
    let gt = text.find('>').unwrap() + 1;
    let end = text.find(&format!("</ram:{name}>")).unwrap();
    &text[gt..end]
}

fn money(v: &Value) -> String {
    let s = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    format!("{:.2}", s.parse::<f64>().unwrap())
}

#[test]
fn every_bill_sample_is_a_valid_en16931_invoice_with_the_bills_amounts() {
    let design = common::design("bill");
    let mut files = Vec::new();
    for (name, record) in common::samples("bill") {
        let xml = render::factur_x_xml(&design, &doc(&design, &record))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let t = &record["totals"];
        assert_eq!(
            element(&xml, "LineTotalAmount"),
            element(&xml, "LineTotalAmount")
        );
        let sums = xml
            .split("SpecifiedTradeSettlementHeaderMonetarySummation")
            .nth(1)
            .unwrap();
        assert_eq!(element(sums, "LineTotalAmount"), money(&t["net"]), "{name}");
        assert_eq!(
            element(sums, "TaxBasisTotalAmount"),
            money(&t["net"]),
            "{name}"
        );
        assert_eq!(element(sums, "TaxTotalAmount"), money(&t["tax"]), "{name}");
        assert_eq!(
            element(sums, "DuePayableAmount"),
            money(&t["due"]),
            "{name}"
        );
        let net: f64 = money(&t["net"]).parse().unwrap();
        let tax: f64 = money(&t["tax"]).parse().unwrap();
        assert_eq!(
            element(sums, "GrandTotalAmount"),
            format!("{:.2}", net + tax),
            "{name}"
        );
        assert_eq!(
            element(&xml, "InvoiceCurrencyCode"),
            record["account"]["currency"]
        );
        assert_eq!(
            element(&xml, "IBANID"),
            record["payment"]["iban"].as_str().unwrap().replace(' ', "")
        );
        assert_eq!(
            xml.matches("<ram:IncludedSupplyChainTradeLineItem>")
                .count(),
            record["items"].as_array().unwrap().len(),
            "{name}"
        );
        let path = tmp(&format!("{name}.xml"));
        std::fs::write(&path, &xml).unwrap();
        files.push(path);
    }
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    check_xsd(&paths);
}

#[test]
fn previous_balance_is_a_negative_prepaid_amount() {
    let design = common::design("bill");
    let (_, record) = common::samples("bill")
        .into_iter()
        .find(|(n, _)| n == "C1003")
        .unwrap();
    let xml = render::factur_x_xml(&design, &doc(&design, &record)).unwrap();
    // 87.63 carried forward is owed: due 195.49 = 107.86 - (-87.63).
    assert!(
        xml.contains("<ram:GrandTotalAmount>107.86</ram:GrandTotalAmount>"),
        "{xml}"
    );
    assert!(
        xml.contains("<ram:TotalPrepaidAmount>-87.63</ram:TotalPrepaidAmount>"),
        "{xml}"
    );
    assert!(
        xml.contains("<ram:DuePayableAmount>195.49</ram:DuePayableAmount>"),
        "{xml}"
    );
    assert!(xml.contains("<ram:ID>urn:cen.eu:en16931:2017</ram:ID>"));
    assert!(xml.contains("<ram:TypeCode>380</ram:TypeCode>"));
    assert!(xml.contains("<ram:TypeCode>58</ram:TypeCode>"));
    assert!(xml.contains("<ram:BilledQuantity unitCode=\"KWH\">232</ram:BilledQuantity>"));
    assert!(xml.contains("<ram:ID schemeID=\"VA\">DE123456789</ram:ID>"));
    assert!(xml.contains("<udt:DateTimeString format=\"102\">20261231</udt:DateTimeString>"));
}

#[test]
fn a_credit_line_is_a_negative_quantity_of_a_positive_price() {
    let design = common::design("bill");
    let (_, record) = common::samples("bill")
        .into_iter()
        .find(|(n, _)| n == "C1006")
        .unwrap();
    let xml = render::factur_x_xml(&design, &doc(&design, &record)).unwrap();
    // BR-27: the item net price is never negative.
    assert!(!xml.contains("<ram:ChargeAmount>-"), "{xml}");
    assert!(xml.contains("<ram:BilledQuantity unitCode=\"MON\">-1</ram:BilledQuantity>"));
    assert!(xml.contains("<ram:LineTotalAmount>-25.00</ram:LineTotalAmount>"));
}

#[test]
fn the_factur_x_pdf_carries_the_xml_and_its_metadata() {
    let design = common::design("bill");
    let (_, record) = common::samples("bill")
        .into_iter()
        .find(|(n, _)| n == "C1003")
        .unwrap();
    let doc = doc(&design, &record);
    let xml = render::factur_x_xml(&design, &doc).unwrap();
    let engine = PrintEngine::new(&design).unwrap();
    let pdf = engine
        .render_factur_x(&doc, &xml, &PdfOptions::default().png(60.0))
        .unwrap();
    let plain = engine.render(&doc).unwrap();
    assert_eq!(pdf.pages, plain.pages);
    let path = tmp("C1003-factur-x.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    std::fs::write(
        tmp("C1003-factur-x.png"),
        pdf.png_first_page.as_ref().unwrap(),
    )
    .unwrap();
    qpdf_check(&path);
    let back = python(READ_PDF, &[&path]);
    assert_eq!(back["name"], "factur-x.xml");
    assert_eq!(back["xml"], xml.as_str());
    assert_eq!(back["flavor"], "factur-x");
    assert_eq!(back["level"], "en16931");
    let xmp = back["xmp"].as_str().unwrap();
    for expected in [
        "xmlns:fx=\"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#\"",
        "<fx:DocumentType>INVOICE</fx:DocumentType>",
        "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
        "<fx:Version>1.0</fx:Version>",
        "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
        "<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>",
        "<pdfaSchema:prefix>fx</pdfaSchema:prefix>",
        "<pdfaProperty:name>ConformanceLevel</pdfaProperty:name>",
    ] {
        assert!(xmp.contains(expected), "no {expected} in the XMP:\n{xmp}");
    }
    assert!(has_pdfa_3b(xmp), "Typst's PDF/A-3b id is gone:\n{xmp}");
    // The catalog's associated files: the XML, as the invoice's alternative.
    assert_eq!(
        back["af"],
        json!([{"name": "factur-x.xml", "relationship": "/Alternative", "mime": "/text/xml"}])
    );
}

fn has_pdfa_3b(xmp: &str) -> bool {
    let part = xmp.contains("<pdfaid:part>3</pdfaid:part>") || xmp.contains("pdfaid:part=\"3\"");
    let b = xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>")
        || xmp.contains("pdfaid:conformance=\"B\"");
    part && b
}

fn qpdf_check(path: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf must be installed (apt-get install qpdf)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "qpdf --check failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("No syntax or stream encoding errors"),
        "{text}"
    );
}

#[test]
fn the_shipped_bills_pdf_and_email_attachment_are_factur_x() {
    // The bill ships with `embed = true`.
    let design = common::design("bill");
    let toml = std::fs::read_to_string(common::root().join("templates/bill/invoice.toml")).unwrap();
    assert!(toml.contains("\nembed = true\n"), "{toml}");
    let (_, record) = common::samples("bill")
        .into_iter()
        .find(|(n, _)| n == "C1001")
        .unwrap();
    let pipeline = Pipeline::new(
        &design,
        PipelineOptions::default().today(Date::parse("2026-12-15").unwrap()),
    )
    .unwrap();
    let doc = pipeline.document(&record).unwrap();
    let pdf = pipeline.pdf(&doc, &PdfOptions::default()).unwrap();
    let path = tmp("C1001-pipeline.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let back = python(READ_PDF, &[&path]);
    assert_eq!(back["level"], "en16931");
    let due = "<ram:DuePayableAmount>189.31</ram:DuePayableAmount>";
    assert!(back["xml"].as_str().unwrap().contains(due));
    // The email's attachment is that Factur-X PDF.
    let mut options = MessageOptions::new("2026-12", "Northwind", "billing@northwind.example");
    options.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    let c = pipeline
        .communication_for(&doc, &[Channel::Email], false, &options)
        .unwrap();
    let Some(Body::Email(email)) = c.message(Channel::Email).map(|m| &m.body) else {
        panic!("no email: {:?}", c.problems);
    };
    let parsed = mail_parser::MessageParser::default()
        .parse(&email.raw[..])
        .unwrap();
    let attachment = parsed.attachments().next().expect("the PDF is attached");
    let path = tmp("C1001-attachment.pdf");
    std::fs::write(&path, attachment.contents()).unwrap();
    let back = python(READ_PDF, &[&path]);
    assert!(back["xml"].as_str().unwrap().contains(due));
    // Off, the pipeline's PDF is the plain tagged one.
    let off = edited_bill("embed-off", |bill| {
        replace_in(
            &bill.join("invoice.toml"),
            "\nembed = true\n",
            "\nembed = false\n",
        );
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let plain = Pipeline::new(&off, PipelineOptions::default()).unwrap();
    let doc = plain.document(&record).unwrap();
    let bytes = plain.pdf(&doc, &PdfOptions::default()).unwrap().bytes;
    assert!(!String::from_utf8_lossy(&bytes).contains("factur-x"));
}

#[test]
fn hostile_names_and_descriptions_are_escaped_and_still_validate() {
    let design = common::design("bill");
    let (_, mut record) = common::samples("bill").into_iter().next().unwrap();
    let evil =
        "Evil <b>&amp; \"Co\" 'x' ]]> </ram:Name><ram:ID>forged</ram:ID>\u{1}\u{7}\u{1b}[31m\u{0}";
    record["customer"]["name"] = json!(evil);
    record["items"][0]["description"] = json!(format!("<![CDATA[{evil}]]>"));
    record["customer"]["address"]["line1"] = json!("&#x1; &lt; ]]>");
    let doc = doc(&design, &record);
    let xml = render::factur_x_xml(&design, &doc).unwrap();
    assert!(!xml.contains("<b>") && !xml.contains("]]>") && !xml.contains("forged</ram:ID>"));
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{0}') && !xml.contains('\u{1b}'));
    let path = tmp("hostile.xml");
    std::fs::write(&path, &xml).unwrap();
    check_xsd(&[&path]);
    // Read back by an XML parser, the text is the customer's, less what XML
    // cannot carry (control characters).
    let back = python(
        r#"
import json, sys
from lxml import etree
t = etree.parse(sys.argv[1])
ns = {'ram': 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100'}
print(json.dumps({
  'buyer': t.xpath('//ram:BuyerTradeParty/ram:Name/text()', namespaces=ns)[0],
  'line': t.xpath('//ram:SpecifiedTradeProduct/ram:Name/text()', namespaces=ns)[0],
  'ids': t.xpath('//ram:BuyerTradeParty/ram:ID/text()', namespaces=ns),
}))
"#,
        &[&path],
    );
    let clean: String = evil.chars().filter(|c| !c.is_control()).collect();
    assert_eq!(back["buyer"], clean.as_str());
    assert_eq!(back["line"], format!("<![CDATA[{clean}]]>").as_str());
    assert_eq!(back["ids"], json!(["C1001"]));
}

/// A copy of the templates with the bill's files edited, loaded.
fn edited_bill(name: &str, edit: impl Fn(&Path)) -> Result<Design, vellum::Error> {
    let dir = tmp(name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&common::root().join("templates"), &dir);
    edit(&dir.join("bill"));
    Design::load(dir.join("bill"))
}

fn replace_in(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_record_without_its_invoice_number_fails_naming_the_term_and_field() {
    // The shipped bill declares invoice.number required: composing fails.
    let design = common::design("bill");
    let (_, mut record) = common::samples("bill").into_iter().next().unwrap();
    record["invoice"].as_object_mut().unwrap().remove("number");
    let err = compose(&design, &record, &options())
        .unwrap_err()
        .to_string();
    assert!(err.contains("invoice.number"), "{err}");
    // Declared optional (a bill that also goes out without a number), the
    // e-invoice is what fails, with the term, the field and the customer.
    let design = edited_bill("optional-number", |bill| {
        replace_in(
            &bill.join("design.toml"),
            "\"invoice.number\" = \"string\"",
            "\"invoice.number\" = \"string?\"",
        );
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let doc = doc(&design, &record);
    let err = render::factur_x_xml(&design, &doc).unwrap_err().to_string();
    assert!(
        err.contains("BT-1 invoice number: field invoice.number is missing"),
        "{err}"
    );
    assert!(err.contains("C1001"), "{err}");
    let pipeline = Pipeline::new(&design, PipelineOptions::default()).unwrap();
    let err = pipeline
        .pdf(&doc, &PdfOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("BT-1 invoice number"), "{err}");
}

#[test]
fn amounts_that_break_en16931_rules_are_refused() {
    let design = common::design("bill");
    let (_, record) = common::samples("bill").into_iter().nth(2).unwrap();
    let cases = [
        ("tax", json!("17.23"), "BR-CO-17"),
        ("net", json!("90.65"), "BR-CO-10"),
        ("due", json!("195.50"), "BR-CO-16"),
    ];
    for (field, value, rule) in cases {
        let mut r = record.clone();
        r["totals"][field] = value;
        let err = render::factur_x_xml(&design, &doc(&design, &r))
            .unwrap_err()
            .to_string();
        assert!(err.contains(rule), "{field}: {err}");
        assert!(
            err.contains(&format!("totals.{field}")) || rule == "BR-CO-10",
            "{err}"
        );
    }
    let mut r = record.clone();
    r["customer"]["address"]["country"] = json!("Atlantis");
    let err = render::factur_x_xml(&design, &doc(&design, &r))
        .unwrap_err()
        .to_string();
    assert!(err.contains("BT-55") && err.contains("Atlantis"), "{err}");
}

#[test]
fn a_bad_invoice_toml_is_a_design_error_with_its_place() {
    let err = edited_bill("bad-terms", |bill| {
        let f = bill.join("invoice.toml");
        replace_in(
            &f,
            "BT-2 = \"invoice.date\"",
            "BT-2 = \"invoice.dat\"\nBT-999 = \"invoice.number\"",
        );
        replace_in(&f, "BT-131 = \"items.amount\"", "BT-131 = \"totals.net\"");
        replace_in(&f, "BT-1 = \"invoice.number\"", "");
    })
    .unwrap_err();
    let shown: Vec<String> = err.diagnostics().iter().map(|d| d.to_string()).collect();
    let all = shown.join("\n");
    let has = |needle: &str| {
        shown
            .iter()
            .any(|d| d.contains(needle) && d.contains("bill/invoice.toml:"))
    };
    assert!(has("unknown field `invoice.dat`"), "{all}");
    assert!(has("unknown term `BT-999`"), "{all}");
    assert!(
        has("mandatory term BT-1 invoice number is not mapped"),
        "{all}"
    );
    assert!(
        has("BT-131 invoice line net amount: `totals.net` is not a field of a list entry"),
        "{all}"
    );
    let line = |needle: &str| {
        err.diagnostics()
            .iter()
            .find(|d| d.message.contains(needle))
            .map(|d| (d.place.line, d.place.column))
    };
    let text = std::fs::read_to_string(tmp("bad-terms").join("bill/invoice.toml")).unwrap();
    let expected = text.lines().position(|l| l.starts_with("BT-999")).unwrap() as u32 + 1;
    assert_eq!(line("BT-999"), Some((expected, 1)));
}

#[test]
fn the_generators_customers_are_valid_en16931_invoices() {
    // `vellum cycle` bills what `vellum generate` makes: with the bill's
    // Factur-X embedded, each of them must be an invoice whose amounts
    // add up, or it gets no PDF.
    let out = tmp("generated.jsonl");
    let o = Command::new(env!("CARGO_BIN_EXE_vellum"))
        .args(["generate", "400", "--out"])
        .arg(&out)
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let design = common::design("bill");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut files = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let record: Value = serde_json::from_str(line).unwrap();
        let xml = render::factur_x_xml(&design, &doc(&design, &record))
            .unwrap_or_else(|e| panic!("generated line {}: {e}", i + 1));
        // Every 10th through the XSD (one Python process for all).
        if i % 10 == 0 {
            let path = tmp(&format!("generated-{i}.xml"));
            std::fs::write(&path, xml).unwrap();
            files.push(path);
        }
    }
    assert_eq!(text.lines().count(), 400);
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    check_xsd(&paths);
}

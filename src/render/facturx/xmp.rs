//! The Factur-X XMP metadata, added after Typst's export: Typst 0.15 cannot
//! write custom XMP (typst issue 5667). The PDF gets an incremental update
//! (lopdf): Typst's bytes stay as they are, and a new metadata stream (its
//! packet with the `fx:` properties and their PDF/A extension schema
//! added, Typst's `pdfaid:part`/`conformance` and the rest kept) follows.

use lopdf::{IncrementalDocument, Object};

/// The Factur-X 1.0 XMP namespace.
pub(crate) const FX_NS: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

/// The PDF with the Factur-X metadata for `file_name` at `level`
/// (`EN 16931`) in its XMP packet.
pub(crate) fn add_factur_x(pdf: Vec<u8>, file_name: &str, level: &str) -> Result<Vec<u8>, String> {
    let fail = |e: lopdf::Error| format!("cannot add the Factur-X metadata: {e}");
    let doc = lopdf::Document::load_mem(&pdf).map_err(fail)?;
    let id = doc
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(Object::as_reference)
        .map_err(|_| "the PDF has no XMP metadata stream (it should be PDF/A-3b)".to_owned())?;
    let packet = doc
        .get_object(id)
        .and_then(Object::as_stream)
        .and_then(|s| s.get_plain_content())
        .map_err(fail)?;
    let packet = String::from_utf8(packet).map_err(|_| "the XMP packet is not UTF-8".to_owned())?;
    let packet = with_factur_x(&packet, file_name, level)?;
    let mut inc = IncrementalDocument::create_from(pdf, doc);
    inc.opt_clone_object_to_new_document(id).map_err(fail)?;
    let stream = inc
        .new_document
        .get_object_mut(id)
        .and_then(Object::as_stream_mut)
        .map_err(fail)?;
    // PDF/A: the metadata stream stays unfiltered, readable by any tool.
    stream.set_plain_content(packet.into_bytes());
    let mut out = Vec::new();
    inc.save_to(&mut out)
        .map_err(|e| format!("cannot write the PDF: {e}"))?;
    Ok(out)
}

/// The packet with a description of the `fx:` properties, and the `fx`
/// schema added to the PDF/A extension schemas (into Typst's bag when it
/// has one, else in a description of its own).
pub(crate) fn with_factur_x(packet: &str, file_name: &str, level: &str) -> Result<String, String> {
    if packet.contains(FX_NS) {
        return Err("the XMP packet already has Factur-X metadata".into());
    }
    let end = packet
        .rfind("</rdf:RDF>")
        .ok_or("the XMP packet has no rdf:RDF element")?;
    let mut out = String::with_capacity(packet.len() + 3000);
    let fx = fx_description(&escape(file_name), &escape(level));
    match extension_bag_end(packet) {
        Some(bag_end) => {
            out.push_str(&packet[..bag_end]);
            out.push_str(SCHEMA);
            out.push_str(&packet[bag_end..end]);
            out.push_str(&fx);
        }
        None => {
            out.push_str(&packet[..end]);
            out.push_str(&fx);
            out.push_str(&format!(
                "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n<pdfaExtension:schemas><rdf:Bag>{SCHEMA}</rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n"
            ));
        }
    }
    out.push_str(&packet[end..]);
    Ok(out)
}

/// Where the `rdf:Bag` of an existing `pdfaExtension:schemas` closes.
fn extension_bag_end(packet: &str) -> Option<usize> {
    let start = packet.find("<pdfaExtension:schemas")?;
    let close = start + packet[start..].find("</pdfaExtension:schemas>")?;
    packet[start..close].rfind("</rdf:Bag>").map(|i| start + i)
}

fn fx_description(file_name: &str, level: &str) -> String {
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{FX_NS}\">\n<fx:DocumentType>INVOICE</fx:DocumentType>\n<fx:DocumentFileName>{file_name}</fx:DocumentFileName>\n<fx:Version>1.0</fx:Version>\n<fx:ConformanceLevel>{level}</fx:ConformanceLevel>\n</rdf:Description>\n"
    )
}

/// The `fx` schema as PDF/A wants an extension schema described.
const SCHEMA: &str = "<rdf:li rdf:parseType=\"Resource\" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>DocumentFileName</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>DocumentType</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The type of the hybrid document in capital letters, e.g. INVOICE or ORDER</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>Version</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The actual version of the standard applying to the embedded XML document</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>ConformanceLevel</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The conformance level of the embedded XML document</pdfaProperty:description></rdf:li>
</rdf:Seq></pdfaSchema:property>
</rdf:li>
";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::with_factur_x;

    const TYPST_LIKE: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"><pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";

    #[test]
    fn keeps_pdfa_id_and_adds_fx_with_its_schema() {
        let out = with_factur_x(TYPST_LIKE, "factur-x.xml", "EN 16931").unwrap();
        assert!(
            out.contains("<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>")
        );
        assert!(out.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"));
        assert!(out.contains("<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>"));
        assert!(out.contains("<pdfaSchema:prefix>fx</pdfaSchema:prefix>"));
        assert!(out.ends_with("</rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>"));
        assert_eq!(out.matches("<pdfaExtension:schemas>").count(), 1);
        assert!(with_factur_x(&out, "factur-x.xml", "EN 16931").is_err());
    }

    #[test]
    fn joins_an_existing_extension_bag() {
        let with_bag = TYPST_LIKE.replace(
            "</rdf:RDF>",
            "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"><pdfaExtension:schemas><rdf:Bag><rdf:li>ua</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description></rdf:RDF>",
        );
        let out = with_factur_x(&with_bag, "factur-x.xml", "EN 16931").unwrap();
        assert_eq!(out.matches("<pdfaExtension:schemas>").count(), 1);
        let ua = out.find("<rdf:li>ua</rdf:li>").unwrap();
        let fx = out.find("<pdfaSchema:prefix>fx").unwrap();
        let bag_end = out.find("</rdf:Bag></pdfaExtension:schemas>").unwrap();
        assert!(ua < fx && fx < bag_end);
    }
}

//! The invoice as UN/CEFACT Cross Industry Invoice XML (D16B), as Factur-X
//! 1.0 / ZUGFeRD 2.3 profile EN 16931 wants it: a typed tree of the CII
//! elements, in the schema's order, serialized by quick-xml with serde.
//! quick-xml escapes every markup character of the data (`<`, `>`, `&`,
//! quotes), so `]]>` or `</ram:Name>` in a name stays text; the control
//! characters XML cannot carry were removed when the invoice was read.

use serde::Serialize;

use super::invoice::{Invoice, Line, Party};

/// The EN 16931 guideline (BT-24): Factur-X's EN 16931 profile.
pub(crate) const GUIDELINE: &str = "urn:cen.eu:en16931:2017";

/// The invoice's CII XML.
pub(crate) fn xml(inv: &Invoice) -> Result<String, String> {
    let doc = Root::new(inv);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut ser = quick_xml::se::Serializer::with_root(&mut out, Some("rsm:CrossIndustryInvoice"))
        .map_err(|e| format!("cannot write the invoice XML: {e}"))?;
    ser.set_quote_level(quick_xml::se::QuoteLevel::Full);
    ser.indent(' ', 1);
    doc.serialize(ser)
        .map_err(|e| format!("cannot write the invoice XML: {e}"))?;
    out.push('\n');
    Ok(out)
}

#[derive(Serialize)]
struct Root<'a> {
    #[serde(rename = "@xmlns:rsm")]
    rsm: &'static str,
    #[serde(rename = "@xmlns:ram")]
    ram: &'static str,
    #[serde(rename = "@xmlns:qdt")]
    qdt: &'static str,
    #[serde(rename = "@xmlns:udt")]
    udt: &'static str,
    #[serde(rename = "rsm:ExchangedDocumentContext")]
    context: Context,
    #[serde(rename = "rsm:ExchangedDocument")]
    document: ExchangedDocument<'a>,
    #[serde(rename = "rsm:SupplyChainTradeTransaction")]
    transaction: Transaction<'a>,
}

impl<'a> Root<'a> {
    fn new(inv: &'a Invoice) -> Root<'a> {
        Root {
            rsm: "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
            ram: "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
            qdt: "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
            udt: "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
            context: Context {
                guideline: Id::new(GUIDELINE),
            },
            document: ExchangedDocument {
                id: &inv.number,
                type_code: &inv.type_code,
                issue: DateTime::new(&inv.issue_date),
            },
            transaction: Transaction::new(inv),
        }
    }
}

#[derive(Serialize)]
struct Context {
    #[serde(rename = "ram:GuidelineSpecifiedDocumentContextParameter")]
    guideline: Id<'static>,
}

#[derive(Serialize)]
struct Id<'a> {
    #[serde(rename = "ram:ID")]
    id: &'a str,
}

impl<'a> Id<'a> {
    fn new(id: &'a str) -> Id<'a> {
        Id { id }
    }
}

#[derive(Serialize)]
struct ExchangedDocument<'a> {
    #[serde(rename = "ram:ID")]
    id: &'a str,
    #[serde(rename = "ram:TypeCode")]
    type_code: &'a str,
    #[serde(rename = "ram:IssueDateTime")]
    issue: DateTime<'a>,
}

/// A date, CII format 102 (`YYYYMMDD`).
#[derive(Serialize)]
struct DateTime<'a> {
    #[serde(rename = "udt:DateTimeString")]
    string: DateString<'a>,
}

#[derive(Serialize)]
struct DateString<'a> {
    #[serde(rename = "@format")]
    format: &'static str,
    #[serde(rename = "$text")]
    text: &'a str,
}

impl<'a> DateTime<'a> {
    fn new(yyyymmdd: &'a str) -> DateTime<'a> {
        DateTime {
            string: DateString {
                format: "102",
                text: yyyymmdd,
            },
        }
    }
}

#[derive(Serialize)]
struct Transaction<'a> {
    #[serde(rename = "ram:IncludedSupplyChainTradeLineItem")]
    lines: Vec<LineItem<'a>>,
    #[serde(rename = "ram:ApplicableHeaderTradeAgreement")]
    agreement: Agreement<'a>,
    #[serde(rename = "ram:ApplicableHeaderTradeDelivery")]
    delivery: Empty,
    #[serde(rename = "ram:ApplicableHeaderTradeSettlement")]
    settlement: Settlement<'a>,
}

impl<'a> Transaction<'a> {
    fn new(inv: &'a Invoice) -> Transaction<'a> {
        Transaction {
            lines: inv
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| LineItem::new(inv, i + 1, l))
                .collect(),
            agreement: Agreement {
                buyer_reference: inv.buyer_reference.as_deref(),
                seller: TradeParty::new(&inv.seller),
                buyer: TradeParty::new(&inv.buyer),
            },
            delivery: Empty {},
            settlement: Settlement::new(inv),
        }
    }
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct LineItem<'a> {
    #[serde(rename = "ram:AssociatedDocumentLineDocument")]
    doc: LineDoc,
    #[serde(rename = "ram:SpecifiedTradeProduct")]
    product: Product<'a>,
    #[serde(rename = "ram:SpecifiedLineTradeAgreement")]
    agreement: LineAgreement,
    #[serde(rename = "ram:SpecifiedLineTradeDelivery")]
    delivery: LineDelivery<'a>,
    #[serde(rename = "ram:SpecifiedLineTradeSettlement")]
    settlement: LineSettlement<'a>,
}

impl<'a> LineItem<'a> {
    fn new(inv: &'a Invoice, n: usize, l: &'a Line) -> LineItem<'a> {
        LineItem {
            doc: LineDoc { id: n.to_string() },
            product: Product { name: &l.name },
            agreement: LineAgreement {
                price: Price {
                    amount: l.price.to_string(),
                },
            },
            delivery: LineDelivery {
                quantity: Quantity {
                    unit: &l.unit,
                    value: l.quantity.to_string(),
                },
            },
            settlement: LineSettlement {
                tax: Tax::line(inv),
                summation: LineSum {
                    total: l.amount.to_string(),
                },
            },
        }
    }
}

#[derive(Serialize)]
struct LineDoc {
    #[serde(rename = "ram:LineID")]
    id: String,
}

#[derive(Serialize)]
struct Product<'a> {
    #[serde(rename = "ram:Name")]
    name: &'a str,
}

#[derive(Serialize)]
struct LineAgreement {
    #[serde(rename = "ram:NetPriceProductTradePrice")]
    price: Price,
}

#[derive(Serialize)]
struct Price {
    #[serde(rename = "ram:ChargeAmount")]
    amount: String,
}

#[derive(Serialize)]
struct LineDelivery<'a> {
    #[serde(rename = "ram:BilledQuantity")]
    quantity: Quantity<'a>,
}

#[derive(Serialize)]
struct Quantity<'a> {
    #[serde(rename = "@unitCode")]
    unit: &'a str,
    #[serde(rename = "$text")]
    value: String,
}

#[derive(Serialize)]
struct LineSettlement<'a> {
    #[serde(rename = "ram:ApplicableTradeTax")]
    tax: Tax<'a>,
    #[serde(rename = "ram:SpecifiedTradeSettlementLineMonetarySummation")]
    summation: LineSum,
}

#[derive(Serialize)]
struct LineSum {
    #[serde(rename = "ram:LineTotalAmount")]
    total: String,
}

/// A VAT breakdown (header) or a line's VAT (no amounts).
#[derive(Serialize)]
struct Tax<'a> {
    #[serde(
        rename = "ram:CalculatedAmount",
        skip_serializing_if = "Option::is_none"
    )]
    calculated: Option<String>,
    #[serde(rename = "ram:TypeCode")]
    type_code: &'static str,
    #[serde(rename = "ram:BasisAmount", skip_serializing_if = "Option::is_none")]
    basis: Option<String>,
    #[serde(rename = "ram:CategoryCode")]
    category: &'a str,
    #[serde(rename = "ram:RateApplicablePercent")]
    rate: String,
}

impl<'a> Tax<'a> {
    fn line(inv: &'a Invoice) -> Tax<'a> {
        Tax {
            calculated: None,
            type_code: "VAT",
            basis: None,
            category: &inv.vat_category,
            rate: inv.vat_rate.to_string(),
        }
    }

    fn header(inv: &'a Invoice) -> Tax<'a> {
        Tax {
            calculated: Some(inv.totals.tax.to_string()),
            basis: Some(inv.totals.lines.to_string()),
            ..Tax::line(inv)
        }
    }
}

#[derive(Serialize)]
struct Agreement<'a> {
    #[serde(rename = "ram:BuyerReference", skip_serializing_if = "Option::is_none")]
    buyer_reference: Option<&'a str>,
    #[serde(rename = "ram:SellerTradeParty")]
    seller: TradeParty<'a>,
    #[serde(rename = "ram:BuyerTradeParty")]
    buyer: TradeParty<'a>,
}

#[derive(Serialize)]
struct TradeParty<'a> {
    #[serde(rename = "ram:ID", skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(rename = "ram:Name")]
    name: &'a str,
    #[serde(rename = "ram:PostalTradeAddress")]
    address: Address<'a>,
    #[serde(
        rename = "ram:SpecifiedTaxRegistration",
        skip_serializing_if = "Option::is_none"
    )]
    vat: Option<TaxRegistration<'a>>,
}

impl<'a> TradeParty<'a> {
    fn new(p: &'a Party) -> TradeParty<'a> {
        TradeParty {
            id: p.id.as_deref(),
            name: &p.name,
            address: Address {
                postcode: p.postcode.as_deref(),
                line1: p.line1.as_deref(),
                line2: p.line2.as_deref(),
                city: p.city.as_deref(),
                country: &p.country,
            },
            vat: p.vat_id.as_deref().map(|id| TaxRegistration {
                id: SchemeId { scheme: "VA", id },
            }),
        }
    }
}

#[derive(Serialize)]
struct Address<'a> {
    #[serde(rename = "ram:PostcodeCode", skip_serializing_if = "Option::is_none")]
    postcode: Option<&'a str>,
    #[serde(rename = "ram:LineOne", skip_serializing_if = "Option::is_none")]
    line1: Option<&'a str>,
    #[serde(rename = "ram:LineTwo", skip_serializing_if = "Option::is_none")]
    line2: Option<&'a str>,
    #[serde(rename = "ram:CityName", skip_serializing_if = "Option::is_none")]
    city: Option<&'a str>,
    #[serde(rename = "ram:CountryID")]
    country: &'a str,
}

#[derive(Serialize)]
struct TaxRegistration<'a> {
    #[serde(rename = "ram:ID")]
    id: SchemeId<'a>,
}

#[derive(Serialize)]
struct SchemeId<'a> {
    #[serde(rename = "@schemeID")]
    scheme: &'static str,
    #[serde(rename = "$text")]
    id: &'a str,
}

#[derive(Serialize)]
struct Settlement<'a> {
    #[serde(
        rename = "ram:PaymentReference",
        skip_serializing_if = "Option::is_none"
    )]
    reference: Option<&'a str>,
    #[serde(rename = "ram:InvoiceCurrencyCode")]
    currency: &'a str,
    #[serde(
        rename = "ram:SpecifiedTradeSettlementPaymentMeans",
        skip_serializing_if = "Option::is_none"
    )]
    means: Option<Means<'a>>,
    #[serde(rename = "ram:ApplicableTradeTax")]
    tax: Tax<'a>,
    #[serde(
        rename = "ram:BillingSpecifiedPeriod",
        skip_serializing_if = "Option::is_none"
    )]
    period: Option<Period<'a>>,
    #[serde(
        rename = "ram:SpecifiedTradePaymentTerms",
        skip_serializing_if = "Option::is_none"
    )]
    terms: Option<Terms<'a>>,
    #[serde(rename = "ram:SpecifiedTradeSettlementHeaderMonetarySummation")]
    summation: HeaderSum<'a>,
}

impl<'a> Settlement<'a> {
    fn new(inv: &'a Invoice) -> Settlement<'a> {
        let t = &inv.totals;
        Settlement {
            reference: inv.remittance.as_deref(),
            currency: &inv.currency,
            means: inv.payment.as_ref().map(|p| Means {
                type_code: &p.means,
                account: p.iban.as_deref().map(|iban| Account {
                    iban,
                    name: p.account_name.as_deref(),
                }),
                institution: p.bic.as_deref().map(|bic| Institution { bic }),
            }),
            tax: Tax::header(inv),
            period: inv.period.as_ref().map(|(start, end)| Period {
                start: DateTime::new(start),
                end: DateTime::new(end),
            }),
            terms: inv.due_date.as_deref().map(|d| Terms {
                due: DateTime::new(d),
            }),
            summation: HeaderSum {
                lines: t.lines.to_string(),
                basis: t.lines.to_string(),
                tax: TaxTotal {
                    currency: &inv.currency,
                    amount: t.tax.to_string(),
                },
                grand: t.grand.to_string(),
                prepaid: t.prepaid.map(|p| p.to_string()),
                due: t.due.to_string(),
            },
        }
    }
}

#[derive(Serialize)]
struct Means<'a> {
    #[serde(rename = "ram:TypeCode")]
    type_code: &'a str,
    #[serde(
        rename = "ram:PayeePartyCreditorFinancialAccount",
        skip_serializing_if = "Option::is_none"
    )]
    account: Option<Account<'a>>,
    #[serde(
        rename = "ram:PayeeSpecifiedCreditorFinancialInstitution",
        skip_serializing_if = "Option::is_none"
    )]
    institution: Option<Institution<'a>>,
}

#[derive(Serialize)]
struct Account<'a> {
    #[serde(rename = "ram:IBANID")]
    iban: &'a str,
    #[serde(rename = "ram:AccountName", skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct Institution<'a> {
    #[serde(rename = "ram:BICID")]
    bic: &'a str,
}

#[derive(Serialize)]
struct Period<'a> {
    #[serde(rename = "ram:StartDateTime")]
    start: DateTime<'a>,
    #[serde(rename = "ram:EndDateTime")]
    end: DateTime<'a>,
}

#[derive(Serialize)]
struct Terms<'a> {
    #[serde(rename = "ram:DueDateDateTime")]
    due: DateTime<'a>,
}

#[derive(Serialize)]
struct HeaderSum<'a> {
    #[serde(rename = "ram:LineTotalAmount")]
    lines: String,
    #[serde(rename = "ram:TaxBasisTotalAmount")]
    basis: String,
    #[serde(rename = "ram:TaxTotalAmount")]
    tax: TaxTotal<'a>,
    #[serde(rename = "ram:GrandTotalAmount")]
    grand: String,
    #[serde(
        rename = "ram:TotalPrepaidAmount",
        skip_serializing_if = "Option::is_none"
    )]
    prepaid: Option<String>,
    #[serde(rename = "ram:DuePayableAmount")]
    due: String,
}

#[derive(Serialize)]
struct TaxTotal<'a> {
    #[serde(rename = "@currencyID")]
    currency: &'a str,
    #[serde(rename = "$text")]
    amount: String,
}

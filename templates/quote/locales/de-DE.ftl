## Angebot für eine Photovoltaikanlage mit Batteriespeicher, Deutsch

subject = Ihr Angebot { $number } für eine Photovoltaikanlage mit Speicher
preheader = Photovoltaikanlage mit Batteriespeicher für { $amount }. Dieses Angebot gilt bis zum { $date }.
sms = Northwind Energy: Ihr Solarangebot über { $amount } gilt bis { $date }. Jetzt annehmen: { $link }

# Adresszeile mit Postleitzahl und Ort.
address-locality = { $postal_code } { $city }

ref-quote = Angebotsnummer
ref-date = Angebotsdatum
ref-customer = Kundennummer

title = Ihr Angebot für eine Photovoltaikanlage mit Batteriespeicher
greeting = Guten Tag { $name },
intro = vielen Dank für Ihr Interesse an eigenem Solarstrom. Auf Grundlage unserer Besichtigung vor Ort bieten wir Ihnen gern die folgende Anlage an – einschließlich Montage und Inbetriebnahme.

total-label = Gesamtpreis
valid-until = Angebot gültig bis

items-heading = Ihre Anlage
col-description = Position
col-quantity = Menge
col-unit-price = Einzelpreis
col-amount = Betrag
net = Nettobetrag
tax = Umsatzsteuer ({ $rate } %)
total = Gesamtbetrag

validity-notice = Dieses Angebot ist bis zum { $date } gültig. Bis dahin garantieren wir Ihnen die angebotenen Preise für Komponenten und Montage.
accept = Angebot annehmen

next-heading = So geht es weiter
next-step-accept = Sie nehmen das Angebot online mit einem Klick an oder senden uns ein unterschriebenes Exemplar zurück.
next-step-survey = Innerhalb von fünf Werktagen meldet sich unser technisches Team bei Ihnen, um einen Termin für die detaillierte Planung vor Ort zu vereinbaren.
next-step-install = Wir übernehmen die Anmeldung beim Netzbetreiber und installieren Ihre Anlage – in der Regel an ein bis zwei Tagen.
next-step-commission = Nach der Abnahme nehmen wir die Anlage in Betrieb und zeigen Ihnen, wie Sie Stromerzeugung und Speicher in der Northwind-App verfolgen.

closing = Mit freundlichen Grüßen
signoff = Ihr Northwind-Energy-Team

terms-validity = Dieses Angebot ist bis zum { $date } gültig und steht unter dem Vorbehalt einer technischen Prüfung vor Ort. Sollte sich dabei zusätzlicher Aufwand ergeben, erhalten Sie vor Beginn der Arbeiten ein angepasstes Angebot.
terms-payment = Zahlungsbedingungen: 30 % bei Auftragserteilung, 60 % bei Lieferung der Komponenten und 10 % nach Inbetriebnahme. Alle Rechnungen sind innerhalb von 14 Tagen ohne Abzug zahlbar.
terms-warranty = Die Hersteller gewähren auf die Solarmodule 25 Jahre Produkt- und Leistungsgarantie, auf Wechselrichter und Batteriespeicher 10 Jahre Garantie. Für unsere Montageleistung übernehmen wir 5 Jahre Gewährleistung.

## Monatliche Stromrechnung, Deutsch

subject = Ihre Stromrechnung von Northwind Energy für { $period }
preheader = Rechnungsbetrag: { $amount }, fällig am { $date }.
sms = Northwind Energy: Ihre Rechnung über { $amount } ist am { $date } fällig.
sms-pay = {" "}Jetzt bezahlen: { $link }

# Adresszeile mit Postleitzahl und Ort.
address-locality = { $postal_code } { $city }

ref-customer = Kundennummer
ref-account = Vertragskonto
ref-invoice = Rechnungsnummer
ref-invoice-date = Rechnungsdatum

title = Ihre Stromrechnung
greeting = Guten Tag { $name },
intro = anbei erhalten Sie Ihre Stromrechnung für den Zeitraum vom { $start } bis zum { $end }. Nachfolgend finden Sie eine Aufstellung aller Positionen sowie Ihren Verbrauch der letzten zwölf Monate.

billing-period = Abrechnungszeitraum
period-value = { $start } – { $end }
amount-due = Zu zahlender Betrag
due-date = Fällig am

overdue-title = Zahlungsrückstand.
overdue-text = Aus Ihrer letzten Rechnung ist leider noch ein Betrag von { $amount } offen. Er ist im Gesamtbetrag unten bereits enthalten. Bitte begleichen Sie ihn möglichst bald, damit keine Mahngebühren entstehen.

items-heading = Ihre Rechnungspositionen
col-description = Position
col-quantity = Menge
col-unit-price = Einzelpreis
col-amount = Betrag
net = Nettobetrag
tax = Umsatzsteuer ({ $rate } %)
previous-balance = Saldo aus Vorperiode
total-due = Zu zahlender Gesamtbetrag

usage-title = Ihr Stromverbrauch der letzten 12 Monate

payment-heading = So bezahlen Sie
pay-now = Jetzt bezahlen
payment-instructions = Bitte zahlen Sie { $amount } bis zum { $date }. Nutzen Sie dafür die Schaltfläche oben, oder überweisen Sie den Betrag auf das Konto mit der IBAN { $iban } unter Angabe des Verwendungszwecks { $reference }, damit wir Ihre Zahlung eindeutig zuordnen können.
account-text = Alle Rechnungen und Zählerstände finden Sie jederzeit in Ihrem Online-Kundenkonto:
account-link = Zum Kundenkonto

remit-title = Zahlungsinformationen
remit-beneficiary = Empfänger
remit-iban = IBAN
remit-bic = BIC
remit-reference = Verwendungszweck
remit-amount = Betrag
qr-caption = Mit Ihrer Banking-App scannen und bezahlen (GiroCode)

closing = Mit freundlichen Grüßen
signoff = Ihr Northwind-Energy-Team

fine-print-reading = Ihr Verbrauch wird aus den Zählerständen zu Beginn und am Ende des Abrechnungszeitraums ermittelt. Geschätzte Zählerstände werden mit der nächsten Rechnung automatisch korrigiert, sobald ein abgelesener Wert vorliegt.
fine-print-complaints = Haben Sie Fragen zu dieser Rechnung oder möchten Sie Einwände erheben, wenden Sie sich bitte innerhalb von sechs Wochen nach dem Rechnungsdatum an uns. Können wir Ihre Beschwerde nicht klären, können Sie sich kostenfrei an die Schlichtungsstelle Energie wenden.
fine-print-payment = Der Rechnungsbetrag ist ohne Abzug bis zum Fälligkeitsdatum zu zahlen. Für Mahnungen können wir angemessene Mahngebühren berechnen. Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg.

greeting-friendly = Hallo { $name },

## Der Hinweis: Verbrauch im Vergleich zum Vorjahresmonat, und ein Tipp.
insight-title = { $trend ->
    [up] Ihr Verbrauch liegt { $pct } % über dem Vorjahresmonat.
    [down] Ihr Verbrauch liegt { $pct } % unter dem Vorjahresmonat.
   *[same] Ihr Verbrauch liegt auf dem Niveau des Vorjahresmonats.
}
insight-change = {" "}Sie haben in diesem Monat { $now } kWh verbraucht, im selben Monat des Vorjahres waren es { $before } kWh.
tip-up = Tipp: Im Winter steigt der Verbrauch vor allem durch Heizen und Warmwasser. Schon 1 °C weniger Raumtemperatur spart rund 6 % Heizenergie.
tip-down = Gut gemacht: Sie verbrauchen weniger als im Vorjahr. Weiter so! Geräte ganz auszuschalten, statt sie im Stand-by zu lassen, spart jeden Tag ein wenig.
tip-steady = Tipp: Geräte im Stand-by können bis zu 10 % des Stromverbrauchs eines Haushalts ausmachen. Mit einer schaltbaren Steckdosenleiste schalten Sie sie bequem ganz ab.
sms-insight = { $trend ->
    [up] {" "}Verbrauch { $pct } % über Vorjahr.
    [down] {" "}Verbrauch { $pct } % unter Vorjahr.
   *[same] {" "}Verbrauch wie im Vorjahr.
}

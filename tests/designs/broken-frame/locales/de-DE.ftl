## Willkommensschreiben für Neukunden, Deutsch

subject = Willkommen bei Northwind Energy, { $name }
preheader = Ihre Stromlieferung beginnt am { $date }. So starten Sie.
sms = Willkommen bei Northwind Energy! Ihre Belieferung beginnt am { $date }. Aktivieren Sie Ihr Kundenkonto: { $link }

# Adresszeile mit Postleitzahl und Ort.
address-locality = { $postal_code } { $city }

ref-customer = Kundennummer
ref-account = Vertragskonto

title = Willkommen bei Northwind Energy
greeting = Guten Tag { $name },
intro = herzlich willkommen und vielen Dank, dass Sie sich für Northwind Energy entschieden haben. Wir haben Ihr Kundenkonto im Tarif { $tariff } eingerichtet und beliefern Ihren Haushalt ab dem { $date } mit Strom aus 100 % erneuerbaren Energien. Um den Wechsel müssen Sie sich nicht kümmern: Wir erledigen alles Nötige mit Ihrem bisherigen Lieferanten und dem Netzbetreiber.

summary-customer = Kundennummer
summary-tariff = Ihr Tarif
summary-start = Lieferbeginn
summary-first-bill = Erste Rechnung voraussichtlich am

steps-heading = In vier Schritten startklar
steps-intro = Ein paar Minuten jetzt erleichtern Ihnen später vieles:
step-account-title = Online-Kundenkonto anlegen.
step-account-text = Behalten Sie Rechnungen, Verbrauch und Zahlungen an einem Ort im Blick und ändern Sie Ihre Daten jederzeit selbst.
step-reading-title = Ersten Zählerstand mitteilen.
step-reading-text = Lesen Sie Ihren Zähler am { $date } (oder bis zu fünf Tage davor oder danach) ab und teilen Sie uns den Zählerstand mit, damit Ihre erste Rechnung genau stimmt.
step-debit-title = SEPA-Lastschrift einrichten.
step-debit-text = Ihre Rechnungen werden dann automatisch zum Fälligkeitstermin eingezogen – so verpassen Sie keine Zahlung.
step-app-title = Northwind-App herunterladen.
step-app-text = Verfolgen Sie Ihren Verbrauch Tag für Tag, erhalten Sie Tipps zum Energiesparen und übermitteln Sie Zählerstände ganz einfach mit der Kamera Ihres Smartphones.

activate = Kundenkonto aktivieren
qr-caption = Scannen Sie diesen Code mit der Kamera Ihres Smartphones, um Ihr Kundenkonto zu aktivieren.

closing = Mit freundlichen Grüßen
signoff = Ihr Northwind-Energy-Team

fine-print-privacy = Wir verarbeiten Ihre personenbezogenen Daten, um Sie mit Strom zu beliefern und Ihr Kundenkonto zu führen. Einzelheiten finden Sie in unseren Datenschutzhinweisen unter northwind.example/datenschutz.
fine-print-bill = Ihre erste Rechnung erhalten Sie voraussichtlich um den { $date }; sie umfasst den Zeitraum ab Lieferbeginn. Danach rechnen wir monatlich ab, Rechnungen sind jeweils innerhalb von 14 Tagen zahlbar.

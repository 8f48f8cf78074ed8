# Offer texts: offer-<id>-title, -text, -cta.

offer-heat-pump-title = Günstiger heizen
offer-heat-pump-text = Ihr Verbrauch im Winter ist hoch. Mit einer Wärmepumpe von Northwind sparen Sie bis zu 40 % Heizkosten, ohne Anzahlung.
offer-heat-pump-cta = Kostenloses Angebot anfordern

offer-green-tariff-title = Wechseln Sie zu 100 % Ökostrom
offer-green-tariff-text = Unser Tarif Grün liefert Wind- und Solarstrom aus der Region, im ersten Jahr zum gleichen Arbeitspreis.
offer-green-tariff-cta = Zu Grün wechseln

offer-paperless-title = Papierlos und bequem
offer-paperless-text = Erhalten Sie Ihre Rechnungen per E-Mail: schneller, umweltfreundlicher und immer in Ihrem Kundenkonto.
offer-paperless-cta = Auf E-Mail-Rechnung umstellen

offer-summer-2025-title = Sommer-Spartarif
offer-summer-2025-text = Günstigere Preise in den Sommermonaten.
offer-summer-2025-cta = Mehr erfahren


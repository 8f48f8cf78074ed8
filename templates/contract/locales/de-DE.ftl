## Stromliefervertrag, Deutsch

subject = Ihr Stromliefervertrag { $number } liegt zur Unterschrift bereit
preheader = Tarif { $tariff }, Lieferbeginn am { $date }. Bitte prüfen und unterschreiben Sie Ihren Vertrag.
sms = Northwind Energy: Ihr Stromliefervertrag { $number } liegt bereit. Bitte prüfen und unterschreiben Sie ihn hier: { $link }

# Adresszeile mit Postleitzahl und Ort.
address-locality = { $postal_code } { $city }

ref-contract = Vertragsnummer
ref-customer = Kundennummer
ref-start = Lieferbeginn

title = Stromliefervertrag
greeting = Guten Tag { $name },
intro = vielen Dank, dass Sie sich für Northwind Energy entschieden haben. Nachfolgend erhalten Sie Ihren Stromliefervertrag für den Tarif { $tariff }. Bitte lesen Sie ihn sorgfältig durch und unterschreiben Sie ihn online – oder unterschreiben Sie dieses Exemplar und senden Sie es an uns zurück.
review-sign = Prüfen und unterschreiben

parties-heading = Vertragsparteien
party-supplier = Lieferant
party-customer = Kunde
supplier-details = Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg
supply-address = Lieferanschrift
customer-number = Kundennummer

tariff-heading = Ihr Tarif im Überblick
tariff-name = Tarif
unit-price = Arbeitspreis
unit-price-value = { $price } pro kWh
standing-charge = Grundpreis
standing-charge-value = { $price } pro Monat
start-date = Lieferbeginn
minimum-term = Mindestlaufzeit
term-months = { $months ->
    [one] { $months } Monat
   *[other] { $months } Monate
}
tariff-note = Alle Preise sind Bruttopreise. Sie enthalten die bei Vertragsschluss geltende Umsatzsteuer, die Stromsteuer, die Netzentgelte sowie alle weiteren Steuern, Abgaben und Umlagen.

clause-1-title = § 1 Vertragsgegenstand
clause-1-p1 = Die Northwind Energy GmbH („Northwind Energy“, „wir“) beliefert Sie an der oben genannten Lieferanschrift mit elektrischer Energie für den Haushaltsbedarf. Grundlage sind dieser Vertrag und unsere Allgemeinen Lieferbedingungen. Der gelieferte Strom stammt vollständig aus erneuerbaren Energiequellen.
clause-1-p2 = Die Belieferung erfolgt über das örtliche Verteilernetz. Der Netzanschluss und der Netzbetrieb obliegen dem zuständigen Netzbetreiber und sind nicht Gegenstand dieses Vertrags.

clause-2-title = § 2 Vertragslaufzeit und Kündigung
clause-2-p1 = Die Belieferung beginnt am { $start }, sofern Ihr bisheriger Liefervertrag bis dahin beendet ist. Der Vertrag hat eine Mindestlaufzeit von { $months ->
        [one] einem Monat
       *[other] { $months } Monaten
    } und verlängert sich danach auf unbestimmte Zeit.
clause-2-p2 = Nach Ablauf der Mindestlaufzeit können beide Seiten den Vertrag mit einer Frist von einem Monat kündigen. Die Kündigung bedarf der Textform (zum Beispiel Brief oder E-Mail); wir bestätigen Ihnen den Eingang innerhalb einer Woche.
clause-2-p3 = Bei einem Umzug können Sie den Vertrag unter Angabe Ihrer neuen Anschrift mit einer Frist von zwei Wochen kündigen, es sei denn, wir bieten Ihnen die Fortsetzung der Belieferung an Ihrer neuen Anschrift zu den bisherigen Bedingungen an. Das Recht zur Kündigung aus wichtigem Grund bleibt unberührt.

clause-3-title = § 3 Preise und Preisanpassungen
clause-3-p1 = Im Tarif { $tariff } zahlen Sie einen Arbeitspreis von { $unit_price } je verbrauchter Kilowattstunde sowie einen Grundpreis von { $standing_charge } pro Monat. Die Preise enthalten die bei Vertragsschluss geltenden Steuern, Abgaben, Umlagen und Netzentgelte.
clause-3-p2 = Wir sind berechtigt, die Preise nach billigem Ermessen an Änderungen der Kosten für Beschaffung, Netznutzung und Messstellenbetrieb sowie an Änderungen von Steuern, Abgaben und Umlagen anzupassen. Dabei geben wir ausschließlich tatsächliche Kostenänderungen weiter; Kostensenkungen geben wir nach denselben Maßstäben an Sie weiter. Über Preisänderungen informieren wir Sie spätestens einen Monat vor ihrem Wirksamwerden in Textform.
clause-3-p3 = Im Fall einer Preisänderung können Sie den Vertrag ohne Einhaltung einer Frist zum Zeitpunkt des Wirksamwerdens der Änderung kündigen. Auf dieses Recht weisen wir Sie in unserer Mitteilung gesondert hin.

clause-4-title = § 4 Abrechnung und Zahlung
clause-4-p1 = Wir rechnen Ihren Verbrauch monatlich auf Grundlage der Zählerstände ab. Jede Rechnung weist Ihren Verbrauch, die angewandten Preise und die eingegangenen Zahlungen aus. Rechnungsbeträge sind innerhalb von 14 Tagen nach Zugang der Rechnung fällig.
clause-4-p2 = Sie können per SEPA-Lastschrift, Überweisung oder online bezahlen. Bei Zahlungsverzug können wir angemessene Mahngebühren berechnen. Eine Unterbrechung der Versorgung erfolgt nur unter den gesetzlichen Voraussetzungen und nach vorheriger Androhung.

clause-5-title = § 5 Zählerstände
clause-5-p1 = Ihr Verbrauch wird durch die Messeinrichtung des Netzbetreibers oder Messstellenbetreibers erfasst. Wir können Sie bitten, Ihren Zähler selbst abzulesen und uns den Zählerstand mitzuteilen. Geschieht dies nicht, dürfen wir Ihren Verbrauch auf Grundlage Ihres bisherigen Verbrauchs oder des Verbrauchs vergleichbarer Kunden schätzen.
clause-5-p2 = Sie gewähren uns, dem Netzbetreiber und dem Messstellenbetreiber nach angemessener vorheriger Ankündigung Zutritt zur Messeinrichtung, damit diese abgelesen und geprüft werden kann.

clause-6-title = § 6 Haftung
clause-6-p1 = Für Unterbrechungen oder Unregelmäßigkeiten der Stromversorgung, die auf den Netzbetrieb zurückzuführen sind, ist der Netzbetreiber verantwortlich; Ansprüche sind insoweit gegenüber dem Netzbetreiber geltend zu machen. Auf Wunsch teilen wir Ihnen unverzüglich mit, was uns über die Ursache einer Unterbrechung bekannt ist.
clause-6-p2 = Im Übrigen haften wir unbeschränkt für Schäden aus der Verletzung des Lebens, des Körpers oder der Gesundheit sowie für vorsätzlich oder grob fahrlässig verursachte Schäden. Bei leichter Fahrlässigkeit haften wir nur bei Verletzung wesentlicher Vertragspflichten und begrenzt auf den vertragstypischen, vorhersehbaren Schaden.

clause-7-title = § 7 Datenschutz
clause-7-p1 = Wir verarbeiten Ihre personenbezogenen Daten zur Durchführung dieses Vertrags, zur Abrechnung Ihres Verbrauchs und zur Erfüllung gesetzlicher Pflichten. Soweit erforderlich, übermitteln wir Daten an den Netzbetreiber und den Messstellenbetreiber. Einzelheiten finden Sie in unseren Datenschutzhinweisen unter northwind.example/datenschutz.
clause-7-p2 = Sie haben das Recht auf Auskunft, Berichtigung und Löschung Ihrer Daten, auf Einschränkung der Verarbeitung und auf Datenübertragbarkeit sowie das Recht, der Verarbeitung zu widersprechen. Außerdem können Sie sich bei einer Datenschutz-Aufsichtsbehörde beschweren.

clause-8-title = § 8 Widerrufsrecht
clause-8-p1 = Sie haben das Recht, binnen vierzehn Tagen ohne Angabe von Gründen diesen Vertrag zu widerrufen. Die Widerrufsfrist beträgt vierzehn Tage ab dem Tag des Vertragsschlusses.
clause-8-p2 = Um Ihr Widerrufsrecht auszuüben, müssen Sie uns (Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, service@northwind.example) mittels einer eindeutigen Erklärung (zum Beispiel ein mit der Post versandter Brief oder eine E-Mail) über Ihren Entschluss, diesen Vertrag zu widerrufen, informieren. Zur Wahrung der Widerrufsfrist reicht es aus, dass Sie die Mitteilung vor Ablauf der Widerrufsfrist absenden.
clause-8-p3 = Wenn Sie diesen Vertrag widerrufen, erstatten wir Ihnen alle Zahlungen, die wir von Ihnen erhalten haben, unverzüglich und spätestens binnen vierzehn Tagen ab dem Tag, an dem die Mitteilung über Ihren Widerruf bei uns eingegangen ist. Haben Sie verlangt, dass die Belieferung während der Widerrufsfrist beginnen soll, so haben Sie uns einen angemessenen Betrag für die bis zu Ihrem Widerruf gelieferte Energie zu zahlen.

clause-9-title = § 9 Schlussbestimmungen
clause-9-p1 = Änderungen und Ergänzungen dieses Vertrags bedürfen der Textform. Sollten einzelne Bestimmungen dieses Vertrags unwirksam sein oder werden, bleibt die Wirksamkeit der übrigen Bestimmungen unberührt.
clause-9-p2 = Es gilt das Recht der Bundesrepublik Deutschland. Unsere Allgemeinen Lieferbedingungen sind Bestandteil dieses Vertrags; bei Widersprüchen gehen die Regelungen dieses Vertrags vor.

signatures-heading = Unterschriften
signatures-text = Mit ihrer Unterschrift bestätigen beide Vertragsparteien, dass sie mit den Bedingungen dieses Vertrags einverstanden sind.
customer-role = Vertragsinhaber

fine-print-terms = Dieser Vertrag kommt unter Einbeziehung der Allgemeinen Lieferbedingungen der Northwind Energy GmbH zustande, die Sie unter northwind.example/agb abrufen können. Die Preise und Bedingungen des Tarifs gelten ab Lieferbeginn.
fine-print-copy = Bitte bewahren Sie eine Kopie dieses Vertrags für Ihre Unterlagen auf. Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg.

# Marken-Texte für E-Mail-Rahmen, Druckrahmen und gemeinsame Fragmente.

email-footer-reason = Sie erhalten diese Nachricht, weil Sie Kundin oder Kunde von { $company } sind.
email-preferences = Kommunikationseinstellungen verwalten
email-unsubscribe = Abmelden
print-page = Seite { $page } von { $total }
contact-heading = Haben Sie Fragen?
contact-text = Unser Kundenservice ist montags bis freitags von 8:00 bis 18:00 Uhr für Sie da: Rufen Sie uns an unter { $phone } oder schreiben Sie uns an { $email }.
signature-date-line = Ort, Datum

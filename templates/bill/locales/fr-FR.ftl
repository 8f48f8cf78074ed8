## Facture mensuelle d’électricité, français

subject = Votre facture Northwind Energy : { $period }
preheader = Montant à payer : { $amount }, à régler avant le { $date }.
sms = Northwind Energy : votre facture de { $amount } est à régler avant le { $date }.
sms-pay = {" "}Payer : { $link }

# Ligne d’adresse avec code postal et ville.
address-locality = { $postal_code } { $city }

ref-customer = Numéro client
ref-account = Numéro de compte
ref-invoice = Numéro de facture
ref-invoice-date = Date de facture

title = Votre facture d’électricité
greeting = Bonjour { $name },
intro = Veuillez trouver ci-dessous votre facture d’électricité pour la période du { $start } au { $end }, avec le détail de chaque poste et l’historique de votre consommation sur les douze derniers mois.

billing-period = Période de facturation
period-value = du { $start } au { $end }
amount-due = Montant à payer
due-date = Date d’échéance

overdue-title = Retard de paiement.
overdue-text = Sauf erreur de notre part, un montant de { $amount } reste impayé sur votre facture précédente. Il est inclus dans le total ci-dessous. Nous vous remercions de le régler dans les meilleurs délais afin d’éviter des frais de relance.

items-heading = Détail de votre facture
col-description = Désignation
col-quantity = Quantité
col-unit-price = Prix unitaire
col-amount = Montant
net = Total HT
tax = TVA ({ $rate } %)
previous-balance = Solde précédent
total-due = Total à payer

usage-title = Votre consommation d’électricité sur les 12 derniers mois

payment-heading = Comment payer
pay-now = Payer maintenant
payment-instructions = Merci de régler { $amount } avant le { $date }. Vous pouvez payer en ligne grâce au bouton ci-dessus ou par virement sur l’IBAN { $iban }, en indiquant la référence { $reference } afin que nous puissions identifier votre paiement.
account-text = Retrouvez à tout moment vos factures et vos relevés de compteur dans votre espace client :
account-link = Accéder à mon espace client

remit-title = Informations de paiement
remit-beneficiary = Bénéficiaire
remit-iban = IBAN
remit-bic = BIC
remit-reference = Référence
remit-amount = Montant
qr-caption = Scannez ce code avec votre application bancaire pour payer

closing = Bien cordialement,
signoff = L’équipe Northwind Energy

fine-print-reading = Votre consommation est calculée à partir des index relevés au début et à la fin de la période de facturation. Les index estimés sont automatiquement corrigés sur votre prochaine facture dès qu’un relevé réel est disponible.
fine-print-complaints = Pour toute question ou contestation concernant cette facture, contactez-nous dans un délai de six semaines à compter de sa date d’émission. Si votre réclamation n’aboutit pas, vous pouvez saisir gratuitement le médiateur de l’énergie.
fine-print-payment = La facture est payable sans escompte à la date d’échéance. Des frais de relance raisonnables peuvent être appliqués en cas de retard de paiement. Northwind Energy GmbH, Hafenstraße 12, 20457 Hambourg, Allemagne.

greeting-friendly = Bonjour { $name },

## L’encadré : la consommation comparée au même mois l’an dernier, et un conseil.
insight-title = { $trend ->
    [up] Votre consommation est en hausse de { $pct } % sur un an.
    [down] Votre consommation est en baisse de { $pct } % sur un an.
   *[same] Votre consommation est stable sur un an.
}
insight-change = {" "}Vous avez consommé { $now } kWh ce mois-ci, contre { $before } kWh le même mois l’an dernier.
tip-up = Conseil : en hiver, la hausse vient surtout du chauffage et de l’eau chaude. Baisser la température de 1 °C permet d’économiser environ 7 % de l’énergie de chauffage.
tip-down = Bravo ! Vous consommez moins que l’an dernier. Continuez ainsi : éteindre les appareils plutôt que de les laisser en veille fait économiser un peu chaque jour.
tip-steady = Conseil : les appareils en veille peuvent représenter jusqu’à 10 % de la consommation d’électricité d’un foyer. Une multiprise à interrupteur permet de les éteindre complètement.
sms-insight = { $trend ->
    [up] {" "}Conso +{ $pct } % sur un an.
    [down] {" "}Conso -{ $pct } % sur un an.
   *[same] {" "}Conso stable sur un an.
}

## Devis pour une installation solaire en toiture avec batterie, français

subject = Votre devis { $number } pour une installation solaire avec batterie
preheader = Installation photovoltaïque avec batterie pour { $amount }. Devis valable jusqu’au { $date }.
sms = Northwind Energy : devis solaire de { $amount }, valable jusqu’au { $date }. Accepter : { $link }

# Ligne d’adresse avec code postal et ville.
address-locality = { $postal_code } { $city }

ref-quote = Numéro de devis
ref-date = Date du devis
ref-customer = Numéro client

title = Votre devis pour une installation solaire avec batterie
greeting = Bonjour { $name },
intro = Merci de l’intérêt que vous portez à la production de votre propre électricité solaire. À la suite de notre visite technique, nous avons le plaisir de vous proposer l’installation ci-dessous, pose et mise en service comprises.

total-label = Prix total TTC
valid-until = Devis valable jusqu’au

items-heading = Votre installation
col-description = Désignation
col-quantity = Quantité
col-unit-price = Prix unitaire HT
col-amount = Montant HT
net = Total HT
tax = TVA ({ $rate } %)
total = Total TTC

validity-notice = Ce devis est valable jusqu’au { $date }. Jusqu’à cette date, nous vous garantissons les prix indiqués pour le matériel et la pose.
accept = Accepter le devis

next-heading = Les prochaines étapes
next-step-accept = Vous acceptez le devis en ligne en un clic, ou vous nous retournez un exemplaire signé.
next-step-survey = Sous cinq jours ouvrés, l’un de nos techniciens vous contacte pour planifier une visite technique détaillée.
next-step-install = Nous nous chargeons des démarches administratives et de la demande de raccordement, puis nous installons votre système, généralement en un à deux jours.
next-step-commission = Après la réception des travaux, nous mettons l’installation en service et vous montrons comment suivre votre production et votre batterie dans l’application Northwind.

closing = Bien cordialement,
signoff = L’équipe Northwind Energy

terms-validity = Ce devis est valable jusqu’au { $date }, sous réserve d’une visite technique concluante. Si celle-ci révèle la nécessité de travaux supplémentaires, nous vous adresserons un devis modifié avant tout commencement des travaux.
terms-payment = Conditions de paiement : 30 % à la signature du devis, 60 % à la livraison du matériel et 10 % après la mise en service. Toutes les factures sont payables sous 14 jours.
terms-warranty = Les panneaux solaires bénéficient d’une garantie produit et performance de 25 ans, l’onduleur et la batterie d’une garantie constructeur de 10 ans ; nos travaux de pose sont couverts par la garantie décennale.

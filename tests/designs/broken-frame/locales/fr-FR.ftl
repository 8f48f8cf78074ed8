## Lettre de bienvenue pour les nouveaux clients, français

subject = Bienvenue chez Northwind Energy, { $name } !
preheader = Votre fourniture d’électricité commence le { $date }. Voici comment bien démarrer.
sms = Bienvenue chez Northwind Energy ! Fourniture dès le { $date }. Votre espace client : { $link }

# Ligne d’adresse avec code postal et ville.
address-locality = { $postal_code } { $city }

ref-customer = Numéro client
ref-account = Numéro de compte

title = Bienvenue chez Northwind Energy
greeting = Bonjour { $name },
intro = Bienvenue et merci d’avoir choisi Northwind Energy. Nous avons ouvert votre compte pour l’offre { $tariff } et alimenterons votre logement en électricité 100 % renouvelable à partir du { $date }. Vous n’avez aucune démarche à effectuer pour changer de fournisseur : nous nous occupons de tout auprès de votre ancien fournisseur et du gestionnaire de réseau.

summary-customer = Numéro client
summary-tariff = Votre offre
summary-start = Début de fourniture
summary-first-bill = Première facture prévue le

steps-heading = Bien démarrer en quatre étapes
steps-intro = Quelques minutes maintenant vous simplifieront la vie par la suite :
step-account-title = Créez votre espace client.
step-account-text = Retrouvez vos factures, votre consommation et vos paiements au même endroit, et mettez à jour vos informations à tout moment.
step-reading-title = Transmettez votre premier relevé.
step-reading-text = Relevez votre compteur le { $date } (ou dans les cinq jours qui précèdent ou qui suivent) et communiquez-nous l’index afin que votre première facture soit exacte.
step-debit-title = Optez pour le prélèvement automatique.
step-debit-text = Vos factures sont réglées automatiquement à leur échéance : vous n’oubliez plus aucun paiement.
step-app-title = Téléchargez l’application Northwind.
step-app-text = Suivez votre consommation jour après jour, recevez des conseils pour économiser l’énergie et transmettez vos relevés en photographiant simplement votre compteur.

activate = Activer mon espace client
qr-caption = Scannez ce code avec l’appareil photo de votre téléphone pour activer votre espace client.

closing = Bien cordialement,
signoff = L’équipe Northwind Energy

fine-print-privacy = Nous traitons vos données personnelles afin de vous fournir de l’électricité et de gérer votre compte. Pour en savoir plus, consultez notre politique de confidentialité sur northwind.example/confidentialite.
fine-print-bill = Votre première facture, prévue aux alentours du { $date }, couvrira la période écoulée depuis le début de la fourniture. Les factures sont ensuite émises chaque mois et payables sous 14 jours.

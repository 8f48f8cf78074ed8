## Contrat de fourniture d’électricité, français

subject = Votre contrat de fourniture d’électricité { $number } est prêt à être signé
preheader = Offre { $tariff }, début de fourniture le { $date }. Merci de vérifier et de signer votre contrat.
sms = Northwind Energy : votre contrat { $number } est prêt. Vérifiez-le et signez-le ici : { $link }

# Ligne d’adresse avec code postal et ville.
address-locality = { $postal_code } { $city }

ref-contract = Numéro de contrat
ref-customer = Numéro client
ref-start = Début de fourniture

title = Contrat de fourniture d’électricité
greeting = Bonjour { $name },
intro = Merci d’avoir choisi Northwind Energy. Vous trouverez ci-dessous votre contrat de fourniture d’électricité pour l’offre { $tariff }. Nous vous invitons à le lire attentivement, puis à le signer en ligne ou à nous retourner cet exemplaire signé.
review-sign = Vérifier et signer

parties-heading = Parties au contrat
party-supplier = Le fournisseur
party-customer = Le client
supplier-details = Northwind Energy GmbH, Hafenstraße 12, 20457 Hambourg, Allemagne
supply-address = Adresse de fourniture
customer-number = Numéro client

tariff-heading = Votre offre en bref
tariff-name = Offre
unit-price = Prix du kWh
unit-price-value = { $price } par kWh
standing-charge = Abonnement
standing-charge-value = { $price } par mois
start-date = Début de fourniture
minimum-term = Durée minimale
term-months = { $months } mois
tariff-note = Tous les prix s’entendent TTC : ils incluent les taxes, contributions et coûts d’acheminement en vigueur à la date de conclusion du contrat.

clause-1-title = Article 1 – Objet du contrat
clause-1-p1 = Northwind Energy GmbH (« Northwind Energy », « nous ») vous fournit de l’électricité pour un usage domestique à l’adresse de fourniture indiquée ci-dessus, conformément au présent contrat et à nos conditions générales de vente. L’électricité fournie est intégralement produite à partir de sources renouvelables.
clause-1-p2 = L’électricité est acheminée par le réseau public de distribution. Le raccordement au réseau et son exploitation relèvent de la responsabilité du gestionnaire de réseau et ne font pas partie du présent contrat.

clause-2-title = Article 2 – Durée et résiliation
clause-2-p1 = La fourniture débute le { $start }, sous réserve que votre précédent contrat de fourniture ait pris fin à cette date. Le contrat est conclu pour une durée minimale { $months ->
        [one] d’un mois
       *[other] de { $months } mois
    }, puis se poursuit pour une durée indéterminée.
clause-2-p2 = À l’issue de la durée minimale, chacune des parties peut résilier le contrat moyennant un préavis d’un mois. La résiliation doit être notifiée par écrit (par exemple par courrier ou par e-mail) ; nous en accusons réception dans un délai d’une semaine.
clause-2-p3 = En cas de déménagement, vous pouvez résilier le contrat avec un préavis de deux semaines en nous indiquant votre nouvelle adresse, sauf si nous vous proposons de poursuivre la fourniture à votre nouvelle adresse aux mêmes conditions. Le droit de résiliation pour motif légitime n’est pas affecté.

clause-3-title = Article 3 – Prix et évolution des prix
clause-3-p1 = Pour l’offre { $tariff }, vous payez un prix de { $unit_price } par kilowattheure consommé ainsi qu’un abonnement de { $standing_charge } par mois. Les prix incluent l’ensemble des taxes, contributions et coûts d’acheminement en vigueur à la date de conclusion du contrat.
clause-3-p2 = Nous pouvons faire évoluer nos prix pour tenir compte de l’évolution des coûts d’approvisionnement, d’acheminement et de comptage ainsi que des taxes et contributions. Toute évolution doit être équilibrée et ne peut répercuter que des variations de coûts réelles ; les baisses de coûts vous sont répercutées selon les mêmes principes. Nous vous en informons par écrit au moins un mois avant son entrée en vigueur.
clause-3-p3 = En cas de modification de prix, vous pouvez résilier le contrat sans préavis ni frais, avec effet à la date d’entrée en vigueur de la modification. Nous vous rappelons ce droit dans notre courrier d’information.

clause-4-title = Article 4 – Facturation et paiement
clause-4-p1 = Nous facturons votre consommation chaque mois sur la base des index de votre compteur. Chaque facture indique votre consommation, les prix appliqués et les paiements reçus. Les factures sont payables dans un délai de 14 jours à compter de leur réception.
clause-4-p2 = Vous pouvez payer par prélèvement SEPA, par virement ou en ligne. En cas de retard de paiement, nous pouvons facturer des frais de relance raisonnables. Une interruption de la fourniture n’intervient que dans le respect des conditions prévues par la loi et après un préavis.

clause-5-title = Article 5 – Relève du compteur
clause-5-p1 = Votre consommation est mesurée par le compteur installé par le gestionnaire de réseau. Nous pouvons vous demander de relever vous-même votre compteur et de nous communiquer l’index ; à défaut, nous pouvons estimer votre consommation à partir de votre consommation passée ou de celle de clients comparables.
clause-5-p2 = Vous vous engagez à permettre l’accès au compteur à nos représentants ou à ceux du gestionnaire de réseau, après un délai de prévenance raisonnable, afin qu’il puisse être relevé et contrôlé.

clause-6-title = Article 6 – Responsabilité
clause-6-p1 = Les interruptions ou perturbations de la fourniture dues à l’exploitation du réseau relèvent de la responsabilité du gestionnaire de réseau, auprès duquel toute réclamation à ce titre doit être adressée. Sur simple demande, nous vous communiquons sans délai les informations dont nous disposons sur la cause d’une interruption.
clause-6-p2 = Pour le reste, notre responsabilité est engagée sans limitation en cas d’atteinte à la vie, à l’intégrité physique ou à la santé, ainsi qu’en cas de faute intentionnelle ou de faute lourde. En cas de faute légère, notre responsabilité n’est engagée qu’en cas de manquement à une obligation essentielle du contrat et reste limitée au dommage prévisible lors de sa conclusion.

clause-7-title = Article 7 – Protection des données personnelles
clause-7-p1 = Nous traitons vos données personnelles pour exécuter le présent contrat, facturer votre consommation et respecter nos obligations légales. Si nécessaire, nous les transmettons au gestionnaire de réseau. Vous trouverez plus d’informations dans notre politique de confidentialité sur northwind.example/confidentialite.
clause-7-p2 = Vous disposez d’un droit d’accès, de rectification, d’effacement et de portabilité de vos données, ainsi que d’un droit à la limitation du traitement et d’un droit d’opposition. Vous pouvez également introduire une réclamation auprès de l’autorité de contrôle compétente.

clause-8-title = Article 8 – Droit de rétractation
clause-8-p1 = Vous disposez d’un délai de quatorze jours pour exercer votre droit de rétractation, sans avoir à justifier de motifs ni à payer de pénalités. Ce délai court à compter du jour de la conclusion du contrat.
clause-8-p2 = Pour exercer votre droit de rétractation, vous devez nous notifier votre décision (Northwind Energy GmbH, Hafenstraße 12, 20457 Hambourg, Allemagne, service@northwind.example) au moyen d’une déclaration dénuée d’ambiguïté, par exemple par courrier ou par e-mail. Il suffit que vous envoyiez votre notification avant l’expiration du délai.
clause-8-p3 = En cas de rétractation, nous vous remboursons tous les paiements reçus sans retard excessif et au plus tard quatorze jours après réception de votre décision. Si vous avez demandé que la fourniture commence pendant le délai de rétractation, vous devrez nous payer un montant proportionnel à l’électricité fournie jusqu’à la communication de votre décision.

clause-9-title = Article 9 – Dispositions finales
clause-9-p1 = Toute modification ou tout complément au présent contrat doit être fait par écrit. Si une disposition du présent contrat était ou devenait nulle, la validité des autres dispositions n’en serait pas affectée.
clause-9-p2 = Le présent contrat est soumis au droit français. Nos conditions générales de vente font partie intégrante du contrat ; en cas de contradiction, les dispositions du présent contrat prévalent.

signatures-heading = Signatures
signatures-text = Par leur signature, les deux parties confirment leur accord avec les conditions du présent contrat.
customer-role = Titulaire du contrat

fine-print-terms = Le présent contrat est conclu sous réserve des conditions générales de vente de Northwind Energy GmbH, disponibles sur northwind.example/cgv. Les prix et conditions de l’offre s’appliquent à compter du début de la fourniture.
fine-print-copy = Nous vous recommandons de conserver un exemplaire de ce contrat. Northwind Energy GmbH, Hafenstraße 12, 20457 Hambourg, Allemagne.

# Offer texts: offer-<id>-title, -text, -cta.

offer-heat-pump-title = Chauffez-vous pour moins cher
offer-heat-pump-text = Votre consommation hivernale est élevée. Une pompe à chaleur Northwind peut réduire vos frais de chauffage jusqu’à 40 %, sans apport.
offer-heat-pump-cta = Demander un devis gratuit

offer-green-tariff-title = Passez à une électricité 100 % renouvelable
offer-green-tariff-text = Notre offre Verte est alimentée par l’éolien et le solaire de la région, au même prix du kWh la première année.
offer-green-tariff-cta = Passer à l’offre Verte

offer-paperless-title = Passez au sans papier
offer-paperless-text = Recevez vos factures par e-mail : plus rapide, plus écologique et toujours dans votre espace client.
offer-paperless-cta = Recevoir mes factures par e-mail

offer-summer-2025-title = Offre été
offer-summer-2025-text = Des prix plus bas pendant l’été.
offer-summer-2025-cta = En savoir plus


# Textes de la marque : cadre des e-mails, cadre d’impression et fragments communs.

email-footer-reason = Vous recevez ce message parce que vous êtes client de { $company }.
email-preferences = Gérer vos préférences de communication
email-unsubscribe = Se désabonner
print-page = Page { $page } sur { $total }
contact-heading = Des questions ?
contact-text = Notre service client est à votre écoute du lundi au vendredi, de 8 h à 18 h (heure de Paris) : appelez le { $phone } ou écrivez-nous à { $email }.
signature-date-line = Lieu et date

# Brand messages used by the email shell, the print frame and shared fragments.

email-footer-reason = You are receiving this message because you are a customer of { $company }.
email-preferences = Manage your communication preferences
email-unsubscribe = Unsubscribe
print-page = Page { $page } of { $total }
contact-heading = Any questions?
contact-text = Our customer service team is here to help Monday to Friday, 08:00 to 18:00 (CET): call us on { $phone } or email { $email }.
signature-date-line = Place and date

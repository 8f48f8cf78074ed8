# Brand messages used by the email shell, the print frame and shared fragments.

email-footer-reason = You are receiving this message because you are a customer of { $company }.
email-preferences = Manage your communication preferences
email-unsubscribe = Unsubscribe
print-page = Page { $page } of { $total }
contact-heading = Questions?
contact-text = Our service team is here for you Monday to Friday, 8:00 a.m. to 6:00 p.m. (CET): call { $phone } or email { $email }.
signature-date-line = Place, date

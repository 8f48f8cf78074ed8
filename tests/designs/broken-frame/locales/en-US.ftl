## Welcome letter for new customers, American English

subject = Welcome to Northwind Energy, { $first_name }!
preheader = Your electricity supply starts on { $date }. Here is how to get started.
sms = Welcome to Northwind Energy! Your supply starts on { $date }. Activate your online account: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-customer = Customer number
ref-account = Account number

title = Welcome to Northwind Energy
greeting = Dear { $first_name },
intro = Welcome, and thank you for choosing Northwind Energy. We have set up your account on the { $tariff } plan and will start supplying your home with 100% renewable electricity on { $date }. There is nothing you need to do to switch: we take care of everything with your previous supplier and the grid operator.

summary-customer = Customer number
summary-tariff = Your plan
summary-start = Start of supply
summary-first-bill = First bill expected

steps-heading = Get started in four steps
steps-intro = A few minutes now will make everything easier later:
step-account-title = Create your online account.
step-account-text = See your bills, usage and payments in one place, and update your details at any time.
step-reading-title = Submit your first meter reading.
step-reading-text = Read your meter on { $date } (or up to five days before or after) and send us the reading so that your first bill is accurate.
step-debit-title = Set up automatic payments.
step-debit-text = Each bill is paid automatically on its due date, so you never miss a payment.
step-app-title = Download the Northwind app.
step-app-text = Track your usage day by day, get energy-saving tips and submit meter readings with your phone’s camera.

activate = Activate my account
qr-caption = Scan this code with your phone’s camera to activate your online account.

closing = Sincerely,
signoff = The Northwind Energy team

fine-print-privacy = We process your personal information to supply you with electricity and to manage your account. You can find details in our privacy notice at northwind.example/privacy.
fine-print-bill = Your first bill, expected around { $date }, will cover the period from the start of supply. After that, bills are issued monthly and are payable within 14 days.

## Welcome letter for new customers, British English

subject = Welcome to Northwind Energy, { $first_name }
preheader = Your electricity supply starts on { $date }. Here is how to get started.
sms = Welcome to Northwind Energy! Your supply starts on { $date }. Activate your online account: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-customer = Customer number
ref-account = Account number

title = Welcome to Northwind Energy
greeting = Dear { $first_name },
intro = Welcome, and thank you for choosing Northwind Energy. We have set up your account on the { $tariff } tariff and will start supplying your home with 100% renewable electricity on { $date }. You don’t need to do anything to switch: we will sort everything out with your previous supplier and the network operator.

summary-customer = Customer number
summary-tariff = Your tariff
summary-start = Supply start date
summary-first-bill = First bill expected

steps-heading = Get started in four steps
steps-intro = A few minutes now will make things easier later on:
step-account-title = Create your online account.
step-account-text = See your bills, usage and payments in one place, and update your details whenever you need to.
step-reading-title = Send us your first meter reading.
step-reading-text = Read your meter on { $date } (or up to five days either side) and send us the reading so that your first bill is accurate.
step-debit-title = Set up a Direct Debit.
step-debit-text = Each bill is then paid automatically on its due date, so you never miss a payment.
step-app-title = Download the Northwind app.
step-app-text = Follow your usage day by day, get energy-saving tips and send meter readings using your phone’s camera.

activate = Activate my account
qr-caption = Scan this code with your phone’s camera to activate your online account.

closing = Kind regards,
signoff = The Northwind Energy team

fine-print-privacy = We process your personal data to supply you with electricity and to manage your account. Details are set out in our privacy notice at northwind.example/privacy.
fine-print-bill = Your first bill, expected around { $date }, will cover the period from your supply start date. After that, we bill you monthly and bills are payable within 14 days.

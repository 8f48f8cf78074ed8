## Monthly electricity statement (bill), American English

subject = Your Northwind Energy bill for { $period }
preheader = Amount due: { $amount }, payable by { $date }.
sms = Northwind Energy: your bill of { $amount } is due on { $date }.
sms-pay = {" "}Pay now: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-customer = Customer number
ref-account = Account number
ref-invoice = Invoice number
ref-invoice-date = Invoice date

title = Your electricity bill
greeting = Dear { $first_name },
intro = Here is your electricity bill for { $start } to { $end }. Below you will find a breakdown of all charges and your usage over the past twelve months.

billing-period = Billing period
period-value = { $start } – { $end }
amount-due = Amount due
due-date = Due date

overdue-title = Payment overdue.
overdue-text = Our records show an unpaid balance of { $amount } from your previous bill. It is included in the total below. Please pay it as soon as possible to avoid late fees.

items-heading = Your charges
col-description = Description
col-quantity = Quantity
col-unit-price = Unit price
col-amount = Amount
net = Subtotal
tax = Taxes ({ $rate }%)
previous-balance = Previous balance
total-due = Total amount due

usage-title = Your electricity usage over the last 12 months

payment-heading = How to pay
pay-now = Pay now
payment-instructions = Please pay { $amount } by { $date }. Pay online with the button above, or send a bank transfer to IBAN { $iban } with the reference { $reference } so that we can match your payment.
account-text = You can view all your bills and meter readings at any time in your online account:
account-link = Go to my account

remit-title = Payment slip
remit-beneficiary = Payee
remit-iban = IBAN
remit-bic = BIC
remit-reference = Reference
remit-amount = Amount
qr-caption = Scan with your banking app to pay

closing = Sincerely,
signoff = The Northwind Energy team

fine-print-reading = Your usage is calculated from the meter readings at the start and end of the billing period. Estimated readings are corrected automatically on your next bill once an actual reading is available.
fine-print-complaints = If you have a question about this bill or wish to dispute it, please contact us within six weeks of the invoice date. If we cannot resolve your complaint, you may refer it to your state public utility commission.
fine-print-payment = Payment is due in full by the due date. A reasonable late fee may be charged on overdue balances. Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany.

greeting-friendly = Hi { $first_name },

## The insight block: usage against the same month last year, and a tip.
insight-title = { $trend ->
    [up] Your usage is up { $pct }% on last year.
    [down] Your usage is down { $pct }% on last year.
   *[same] Your usage is about the same as last year.
}
insight-change = {" "}You used { $now } kWh this month, against { $before } kWh in the same month last year.
tip-up = Tip: heating and hot water cause most of a winter rise. Setting your thermostat 7–10 °F lower while you sleep or are out can save up to 10% a year on heating.
tip-down = Well done: you are using less than last year. Keep it up! Switching devices off at the plug instead of leaving them on standby saves a little every day.
tip-steady = Tip: devices on standby can account for up to 10% of a household’s electricity. A power strip with a switch makes them easy to turn off completely.
sms-insight = { $trend ->
    [up] {" "}Usage up { $pct }% on last year.
    [down] {" "}Usage down { $pct }% on last year.
   *[same] {" "}Usage level with last year.
}

## Monthly electricity statement (bill), British English

subject = Your Northwind Energy bill for { $period }
preheader = Amount due: { $amount }, to be paid by { $date }.
sms = Northwind Energy: your bill for { $amount } is due on { $date }.
sms-pay = {" "}Pay now: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-customer = Customer number
ref-account = Account number
ref-invoice = Bill number
ref-invoice-date = Bill date

title = Your electricity bill
greeting = Dear { $first_name },
intro = Here is your electricity bill for the period { $start } to { $end }. Below you will find a breakdown of all charges and your usage over the last twelve months.

billing-period = Billing period
period-value = { $start } – { $end }
amount-due = Amount to pay
due-date = Payment due by

overdue-title = Payment overdue.
overdue-text = Our records show that { $amount } from your previous bill is still outstanding. This has been added to the total below. Please pay it as soon as possible to avoid late payment charges.

items-heading = Your charges
col-description = Description
col-quantity = Quantity
col-unit-price = Unit rate
col-amount = Amount
net = Subtotal (excl. VAT)
tax = VAT ({ $rate }%)
previous-balance = Balance brought forward
total-due = Total amount to pay

usage-title = Your electricity use over the last 12 months

payment-heading = How to pay
pay-now = Pay now
payment-instructions = Please pay { $amount } by { $date }. You can pay online using the button above, or by bank transfer to IBAN { $iban }, quoting the reference { $reference } so that we can match your payment.
account-text = You can see all your bills and meter readings at any time in your online account:
account-link = Go to my account

remit-title = Payment slip
remit-beneficiary = Payee
remit-iban = IBAN
remit-bic = BIC
remit-reference = Reference
remit-amount = Amount
qr-caption = Scan with your banking app to pay

closing = Kind regards,
signoff = The Northwind Energy team

fine-print-reading = Your usage is worked out from the meter readings at the start and end of the billing period. Estimated readings will be corrected automatically on your next bill once we have an actual reading.
fine-print-complaints = If you have a question about this bill or would like to dispute it, please contact us within six weeks of the bill date. If we cannot resolve your complaint, you can refer it to the energy ombudsman free of charge.
fine-print-payment = Payment is due in full by the date shown. We may apply a reasonable charge for reminders about overdue balances. Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany.

greeting-friendly = Hello { $first_name },

## The insight block: usage against the same month last year, and a tip.
insight-title = { $trend ->
    [up] Your usage is up { $pct }% on last year.
    [down] Your usage is down { $pct }% on last year.
   *[same] Your usage is about the same as last year.
}
insight-change = {" "}You used { $now } kWh this month, compared with { $before } kWh in the same month last year.
tip-up = Tip: heating and hot water account for most of a winter rise. Turning your heating down by just 1 °C saves around 6% of the energy it uses.
tip-down = Well done: you are using less than last year. Keep it up! Switching appliances off at the wall rather than leaving them on standby saves a little every day.
tip-steady = Tip: appliances on standby can account for up to 10% of a household’s electricity. An extension lead with a switch makes them easy to turn off completely.
sms-insight = { $trend ->
    [up] {" "}Usage up { $pct }% on last year.
    [down] {" "}Usage down { $pct }% on last year.
   *[same] {" "}Usage level with last year.
}

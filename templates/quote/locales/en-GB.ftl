## Quote for a rooftop solar and battery installation, British English

subject = Your Northwind Energy solar quote { $number }
preheader = Solar panels and battery storage for { $amount }. This quote is valid until { $date }.
sms = Northwind Energy: your solar and battery quote for { $amount } is valid until { $date }. Accept it here: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-quote = Quote number
ref-date = Quote date
ref-customer = Customer number

title = Your quote for solar panels and battery storage
greeting = Dear { $first_name },
intro = Thank you for your interest in generating your own clean electricity. Following our survey of your property, we are pleased to quote for the solar and battery system below, including installation and commissioning.

total-label = Total price
valid-until = Quote valid until

items-heading = Your system
col-description = Description
col-quantity = Quantity
col-unit-price = Unit price
col-amount = Amount
net = Subtotal (excl. VAT)
tax = VAT ({ $rate }%)
total = Total (incl. VAT)

validity-notice = This quote is valid until { $date }. Until then, the prices quoted for equipment and installation are guaranteed.
accept = Accept quote

next-heading = What happens next
next-step-accept = Accept your quote online in one click, or sign a copy and return it to us.
next-step-survey = One of our engineers will contact you within five working days to arrange a detailed technical survey.
next-step-install = We handle the grid connection application with your network operator, then install your system, usually within one to two days.
next-step-commission = Once the installation has been signed off, we commission the system and show you how to track your solar generation and battery in the Northwind app.

closing = Kind regards,
signoff = The Northwind Energy team

terms-validity = This quote is valid until { $date } and is subject to a satisfactory technical survey. If the survey shows that additional work is required, we will send you a revised quote before any work starts.
terms-payment = Payment terms: 30% on acceptance of the quote, 60% on delivery of the equipment and 10% after commissioning. All invoices are payable within 14 days.
terms-warranty = Solar panels carry a 25-year product and performance warranty, the inverter and battery a 10-year manufacturer’s warranty, and our installation work a 5-year workmanship guarantee.

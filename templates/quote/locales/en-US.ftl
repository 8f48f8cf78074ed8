## Quote for a rooftop solar and battery installation, American English

subject = Your Northwind Energy solar quote { $number }
preheader = Solar and battery system for { $amount }. This quote is valid until { $date }.
sms = Northwind Energy: your solar + battery quote for { $amount } is valid until { $date }. Accept it here: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-quote = Quote number
ref-date = Quote date
ref-customer = Customer number

title = Your quote for solar panels and battery storage
greeting = Dear { $first_name },
intro = Thank you for your interest in producing your own clean electricity. Based on our assessment of your home, we are pleased to offer you the solar and battery system below, including installation and commissioning.

total-label = Total price
valid-until = Quote valid until

items-heading = Your system
col-description = Description
col-quantity = Quantity
col-unit-price = Unit price
col-amount = Amount
net = Subtotal
tax = Sales tax ({ $rate }%)
total = Total

validity-notice = This quote is valid until { $date }. Until then, we guarantee the prices quoted for equipment and installation.
accept = Accept quote

next-heading = What happens next
next-step-accept = Accept your quote online with one click, or sign a copy and send it back to us.
next-step-survey = One of our technicians will contact you within five business days to schedule a detailed site survey.
next-step-install = We take care of the permits and the utility interconnection application, then install your system, usually in one to two days.
next-step-commission = After the final inspection, we switch your system on and show you how to track your solar production and battery in the Northwind app.

closing = Sincerely,
signoff = The Northwind Energy team

terms-validity = This quote is valid until { $date } and is subject to a satisfactory site survey. If the survey shows that additional work is needed, we will send you a revised quote before any work begins.
terms-payment = Payment terms: 30% when you accept the quote, 60% on delivery of the equipment and 10% after commissioning. All invoices are payable within 14 days.
terms-warranty = Solar panels come with a 25-year product and performance warranty, the inverter and battery with a 10-year manufacturer’s warranty, and our installation work with a 5-year workmanship warranty.

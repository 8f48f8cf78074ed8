## Electricity supply contract, American English

subject = Your electricity supply contract { $number } is ready to sign
preheader = { $tariff } plan, supply from { $date }. Please review and sign your contract.
sms = Northwind Energy: your electricity contract { $number } is ready. Please review and sign it here: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-contract = Contract number
ref-customer = Customer number
ref-start = Start of supply

title = Electricity supply contract
greeting = Dear { $name },
intro = Thank you for choosing Northwind Energy. Below you will find your electricity supply contract for the { $tariff } plan. Please read it carefully and sign it online, or sign this copy and return it to us.
review-sign = Review and sign

parties-heading = Contracting parties
party-supplier = Supplier
party-customer = Customer
supplier-details = Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany
supply-address = Service address
customer-number = Customer number

tariff-heading = Your plan at a glance
tariff-name = Plan
unit-price = Energy rate
unit-price-value = { $price } per kWh
standing-charge = Basic charge
standing-charge-value = { $price } per month
start-date = Start of supply
minimum-term = Minimum term
term-months = { $months ->
    [one] { $months } month
   *[other] { $months } months
}
tariff-note = All prices include the taxes, fees and delivery charges in effect when this contract is concluded.

clause-1-title = 1. Subject of the contract
clause-1-p1 = Northwind Energy GmbH (“Northwind Energy”, “we”, “us”) supplies the customer (“you”) with electricity for residential use at the service address stated above, in accordance with this contract and our general terms and conditions of supply. The electricity we supply is generated entirely from renewable sources.
clause-1-p2 = Electricity is delivered through the local distribution grid. Connection to the grid and operation of the grid remain the responsibility of the local utility that operates it and are not part of this contract.

clause-2-title = 2. Term and termination
clause-2-p1 = Supply begins on { $start }, provided that your previous supply contract has ended by then. This contract has a minimum term of { $months ->
        [one] one month
       *[other] { $months } months
    } and then continues on a month-to-month basis.
clause-2-p2 = After the minimum term, either party may terminate this contract with one month’s notice. Notice of termination must be given in writing (for example by letter or email); we will confirm receipt within one week.
clause-2-p3 = If you move, you may terminate this contract with two weeks’ notice, stating your new address, unless we offer to continue supplying you at your new address on the same terms. Either party’s right to terminate for cause is not affected.

clause-3-title = 3. Prices and price adjustments
clause-3-p1 = On the { $tariff } plan, you pay an energy rate of { $unit_price } for each kilowatt-hour used and a basic charge of { $standing_charge } per month. These prices include all taxes, fees and delivery charges in effect when this contract is concluded.
clause-3-p2 = We may adjust our prices to reflect changes in our costs of energy procurement, grid use and metering, and changes in taxes and fees. Any adjustment must be fair and may only pass on actual changes in cost; cost reductions will be passed on to you on the same basis. We will notify you in writing at least one month before a price change takes effect.
clause-3-p3 = If we change our prices, you may terminate this contract without notice, effective on the date the change takes effect. We will remind you of this right in our notice of the change.

clause-4-title = 4. Billing and payment
clause-4-p1 = We bill your usage monthly based on your meter readings. Each bill shows your usage, the prices applied and any payments received. Bills are payable within 14 days of receipt.
clause-4-p2 = You may pay by automatic payment, bank transfer or online. If a payment is late, we may charge a reasonable late fee. We will only disconnect supply in accordance with applicable law and after giving you advance notice.

clause-5-title = 5. Meter readings
clause-5-p1 = Your usage is measured by the meter installed by the grid operator or metering provider. We may ask you to read your meter yourself and report the reading to us; if you do not, we may estimate your usage based on your past usage or that of similar customers.
clause-5-p2 = You must give us, the grid operator and the metering provider access to the meter after reasonable advance notice, so that it can be read and inspected.

clause-6-title = 6. Liability
clause-6-p1 = Outages or irregularities in supply caused by the operation of the grid are the responsibility of the grid operator, and any claims relating to them must be made against the grid operator. On request, we will promptly tell you what we know about the cause of an outage.
clause-6-p2 = Otherwise, we are liable without limitation for death, personal injury and damage to health, and for damage caused intentionally or through gross negligence. For damage caused by ordinary negligence, we are liable only for breach of material contractual obligations, and only up to the damage that was typical and foreseeable when this contract was concluded.

clause-7-title = 7. Privacy
clause-7-p1 = We process your personal information to perform this contract, to bill your usage and to comply with our legal obligations. Where necessary, we share information with the grid operator and the metering provider. You can find details in our privacy notice at northwind.example/privacy.
clause-7-p2 = You have the right to access, correct and delete your personal information, to restrict or object to its processing, and to receive a copy of it in a portable format. You may also file a complaint with a data protection authority.

clause-8-title = 8. Right to cancel
clause-8-p1 = You may cancel this contract within 14 days without giving any reason. The cancellation period ends 14 days after the day on which this contract is concluded.
clause-8-p2 = To cancel, you must inform us of your decision by a clear statement, for example a letter or an email, sent to Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany, or to service@northwind.example. It is sufficient to send your notice before the cancellation period ends.
clause-8-p3 = If you cancel, we will refund all payments received from you without undue delay and no later than 14 days after we receive your notice. If you asked us to begin supply during the cancellation period, you must pay a reasonable amount for the electricity supplied until you informed us of the cancellation.

clause-9-title = 9. Final provisions
clause-9-p1 = Any changes or additions to this contract must be made in writing. If any provision of this contract is or becomes invalid, the validity of the remaining provisions is not affected.
clause-9-p2 = This contract is governed by the laws of the state in which the service address is located. Our general terms and conditions of supply form part of this contract; in the event of any conflict, the provisions of this contract prevail.

signatures-heading = Signatures
signatures-text = By signing below, both parties confirm that they agree to the terms of this contract.
customer-role = Account holder

fine-print-terms = This contract is concluded subject to the general terms and conditions of supply of Northwind Energy GmbH, available at northwind.example/terms. The prices and conditions of your plan apply from the start of supply.
fine-print-copy = Please keep a copy of this contract for your records. Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany.

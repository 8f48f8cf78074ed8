## Electricity supply contract, British English

subject = Your electricity supply contract { $number } is ready to sign
preheader = { $tariff } tariff, supply from { $date }. Please review and sign your contract.
sms = Northwind Energy: your electricity contract { $number } is ready. Please review and sign it here: { $link }

# Address line with postal code and city, in the order of the country.
address-locality = { $city } { $postal_code }

ref-contract = Contract number
ref-customer = Customer number
ref-start = Supply start date

title = Electricity supply contract
greeting = Dear { $name },
intro = Thank you for choosing Northwind Energy. Below is your electricity supply contract for the { $tariff } tariff. Please read it carefully and sign it online, or sign this copy and return it to us.
review-sign = Review and sign

parties-heading = The parties
party-supplier = Supplier
party-customer = Customer
supplier-details = Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany
supply-address = Supply address
customer-number = Customer number

tariff-heading = Your tariff at a glance
tariff-name = Tariff
unit-price = Unit rate
unit-price-value = { $price } per kWh
standing-charge = Standing charge
standing-charge-value = { $price } per month
start-date = Supply start date
minimum-term = Minimum term
term-months = { $months ->
    [one] { $months } month
   *[other] { $months } months
}
tariff-note = All prices include VAT and all other taxes, levies and network charges applicable when this contract is made.

clause-1-title = 1. Subject of the contract
clause-1-p1 = Northwind Energy GmbH (“Northwind Energy”, “we”, “us”) supplies the customer (“you”) with electricity for domestic use at the supply address stated above, in accordance with this contract and our general terms and conditions of supply. The electricity we supply is generated entirely from renewable sources.
clause-1-p2 = Electricity is delivered through the local distribution network. Connection to the network and its operation remain the responsibility of the distribution network operator and do not form part of this contract.

clause-2-title = 2. Duration and ending the contract
clause-2-p1 = Supply starts on { $start }, provided that your previous supply contract has ended by then. This contract has a minimum term of { $months ->
        [one] one month
       *[other] { $months } months
    } and then continues until either party ends it.
clause-2-p2 = After the minimum term, either party may end this contract by giving one month’s notice. Notice must be given in writing (for example by letter or email); we will confirm receipt within one week.
clause-2-p3 = If you move home, you may end this contract by giving two weeks’ notice and telling us your new address, unless we offer to continue supplying you at your new address on the same terms. Either party’s right to terminate for good cause is not affected.

clause-3-title = 3. Prices and price changes
clause-3-p1 = On the { $tariff } tariff, you pay a unit rate of { $unit_price } for each kilowatt hour you use and a standing charge of { $standing_charge } per month. These prices include VAT and all other taxes, levies and network charges applicable when this contract is made.
clause-3-p2 = We may change our prices to reflect changes in our costs of buying energy, using the network and metering, and changes in taxes and levies. Any change must be fair and may only pass on genuine changes in cost; falls in cost will be passed on to you on the same basis. We will tell you in writing at least one month before a price change takes effect.
clause-3-p3 = If we change our prices, you may end this contract without notice, with effect from the date on which the change takes effect. We will remind you of this right when we tell you about the change.

clause-4-title = 4. Billing and payment
clause-4-p1 = We bill your consumption monthly on the basis of your meter readings. Each bill shows your consumption, the prices applied and any payments received. Bills are payable within 14 days of receipt.
clause-4-p2 = You can pay by Direct Debit, bank transfer or online. If you fall behind with payments, we may charge reasonable fees for reminders. We will only interrupt your supply in line with the law and after giving you prior notice.

clause-5-title = 5. Meter readings
clause-5-p1 = Your consumption is measured by the meter installed by the network operator or meter operator. We may ask you to read your meter and send us the reading; if you do not, we may estimate your consumption on the basis of your previous consumption or that of similar customers.
clause-5-p2 = You must give us, the network operator and the meter operator access to the meter after reasonable notice, so that it can be read and inspected.

clause-6-title = 6. Liability
clause-6-p1 = Interruptions or irregularities in supply caused by the operation of the network are the responsibility of the network operator, and any claims relating to them must be made against the network operator. If you ask, we will promptly tell you what we know about the cause of an interruption.
clause-6-p2 = Otherwise, we are liable without limit for death, personal injury and damage to health, and for damage caused deliberately or through gross negligence. For damage caused by ordinary negligence, we are liable only for breach of essential contractual obligations, and only up to the damage that was typical and foreseeable when this contract was made.

clause-7-title = 7. Data protection
clause-7-p1 = We process your personal data to perform this contract, to bill your consumption and to meet our legal obligations. Where necessary, we share data with the network operator and the meter operator. Details are set out in our privacy notice at northwind.example/privacy.
clause-7-p2 = You have the right to access, rectify and erase your data, to restrict or object to its processing and to data portability. You also have the right to complain to a data protection supervisory authority.

clause-8-title = 8. Your right to cancel
clause-8-p1 = You may cancel this contract within 14 days without giving any reason. The cancellation period expires 14 days after the day on which this contract is made.
clause-8-p2 = To exercise the right to cancel, you must inform us of your decision by a clear statement, for example a letter sent by post or an email, to Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany, or service@northwind.example. To meet the deadline, it is sufficient to send your notice before the cancellation period has expired.
clause-8-p3 = If you cancel, we will reimburse all payments received from you without undue delay and no later than 14 days after the day on which we are informed of your decision. If you asked us to begin supply during the cancellation period, you must pay us an amount in proportion to the electricity supplied until you told us that you wished to cancel.

clause-9-title = 9. General provisions
clause-9-p1 = Any changes or additions to this contract must be made in writing. If any provision of this contract is or becomes invalid, the remaining provisions remain in full force and effect.
clause-9-p2 = This contract is governed by the laws of England and Wales. Our general terms and conditions of supply form part of this contract; if there is any conflict, the provisions of this contract take precedence.

signatures-heading = Signatures
signatures-text = By signing below, both parties confirm that they agree to the terms of this contract.
customer-role = Account holder

fine-print-terms = This contract is made subject to the general terms and conditions of supply of Northwind Energy GmbH, available at northwind.example/terms. The prices and conditions of your tariff apply from the supply start date.
fine-print-copy = Please keep a copy of this contract for your records. Northwind Energy GmbH, Hafenstraße 12, 20457 Hamburg, Germany.

# Offer texts: offer-<id>-title, -text, -cta.

offer-heat-pump-title = Heat your home for less
offer-heat-pump-text = Your winter usage is high. A Northwind heat pump can cut your heating costs by up to 40%, with installation from $0 down.
offer-heat-pump-cta = Get a free quote

offer-green-tariff-title = Switch to 100% renewable power
offer-green-tariff-text = Our Green tariff is powered by wind and solar from the region, at the same unit rate for the first year.
offer-green-tariff-cta = Switch to Green

offer-paperless-title = Go paperless
offer-paperless-text = Get your bills by email: faster, greener, and always in your online account.
offer-paperless-cta = Switch to email bills

offer-summer-2025-title = Summer saver
offer-summer-2025-text = Lower rates for the summer months.
offer-summer-2025-cta = Find out more


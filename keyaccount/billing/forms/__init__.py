"""Forms of the money pages, one module per area as the services, API and views: contracts, invoices,
payments, collection (acts and receivables). They only shape input; the services decide.
"""

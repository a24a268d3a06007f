"""Filters of the money lists, shared by the pages and the API, one module per area as the services, API
and views: contracts, invoices, payments, collection (acts and receivables).
"""

"""The demo agency's money: contracts, invoices, payments, acts and renewals."""

"""Changes to the money side, one module per area; each function checks the actor's right, validates
(errors name the field), writes and records the audit event in one transaction.

- `contracts`: contracts, amendments, renewals and their outcomes, acts, the contract lifecycle job;
- `invoices`: invoices and their lines, numbering, issuing, voiding, generating from a retainer;
- `payments`: payments, their allocations to invoices and the account's credit;
- `collection`: acts (closing documents) and their chasing, billing settings, the dunning schedule.
"""

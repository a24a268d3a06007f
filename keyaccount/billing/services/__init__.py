"""Changes to the money side, one module per area; each function checks the actor's right, validates
(errors name the field), writes and records the audit event in one transaction.

- `contracts`: contracts, and an account's money when it is deleted; it also exports the functions of
  `amendments` (additional agreements) and `renewals` (the outcome of a term);
- `lifecycle`: the daily contract lifecycle job and the renewal reminders;
- `invoices` (a package: `drafts`, `lines`, `issuing`): invoices and their lines, numbering, issuing,
  voiding, generating from a retainer;
- `payments`: payments, their allocations to invoices and the account's credit;
- `collection`: acts (closing documents) and their chasing, billing settings, the dunning schedule.
"""

"""PMS activation by e-mail (domain reference §11, rulings 23-31): CBP's mailboxes on an
SMTP listener, the broker's request read from the message, CBP's answer composed as a
message, the outbox in the database, and delivery to a relay.

Pure parts: ``addresses``, ``request`` (reading), ``answer`` (composing). Shells:
``handling`` (one message in, the activation and the outbox), ``outbox`` (the mail
table), ``relay`` (delivery with retries), ``listener`` (aiosmtpd).
"""

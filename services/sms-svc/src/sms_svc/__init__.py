"""sms-svc: SMS delivery: templates, provider gateway, retries, de-duplication, delivery log."""

"""The pure core of sms-svc: templates, phones, rate limits, statuses (no I/O, no clock)."""

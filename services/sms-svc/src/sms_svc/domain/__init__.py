"""sms-svc's domain: pure, synchronous, no I/O; time and ids come in as arguments."""

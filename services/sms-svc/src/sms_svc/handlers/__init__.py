"""sms-svc's service layer: sending (`sending`), digests, staff scopes, and the wire mapping."""

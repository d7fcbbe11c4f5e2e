"""The service layer: the use cases (ingest a batch of events, close a week and escalate, read
rankings and penalties, be active or standby) and the mapping between wire contracts and domain."""

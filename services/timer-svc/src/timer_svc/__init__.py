"""timer-svc: Durable deadlines and the shared virtual clock."""

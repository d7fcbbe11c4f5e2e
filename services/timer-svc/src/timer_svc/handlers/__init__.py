"""timer-svc's service layer: the timer commands, the firing loop, the wire mapping, metrics."""

"""order-svc: Service orders: apply, claim, audit, receive, process, resolve; sellers and staff."""

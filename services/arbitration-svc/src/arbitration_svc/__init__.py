"""arbitration-svc: Arbitration cases (京东介入): open, review, rule."""

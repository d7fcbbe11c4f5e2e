"""The library every after-sales service imports: contracts, bus, store, clock, auth, web."""

"""Adapters to the outside: MongoDB, RabbitMQ, HTTP."""

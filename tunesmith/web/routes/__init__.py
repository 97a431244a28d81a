"""The API's routes, one module per part of the studio."""

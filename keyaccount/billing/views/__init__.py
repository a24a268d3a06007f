"""Pages of the money side, one module per area, each with its own `urlpatterns`."""

"""Pages of the health app."""

app_name = "health"
urlpatterns: list = []

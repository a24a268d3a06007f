from keyaccount.billing.views import contracts, invoices, payments, receivables

app_name = "billing"
urlpatterns = [*contracts.urlpatterns, *invoices.urlpatterns, *payments.urlpatterns, *receivables.urlpatterns]

from django.urls import path

from setia.exports import views

app_name = "exports"

urlpatterns = [
    path("customers.csv", views.export_customers_csv, name="customers-csv"),
    path("customers.xlsx", views.export_customers_xlsx, name="customers-xlsx"),
]

from django.urls import path

from keyaccount.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
    path("<int:pk>/roles/", views.contact_role_add, name="role_add"),
    path("<int:pk>/roles/<int:role_pk>/remove/", views.contact_role_remove, name="role_remove"),
]

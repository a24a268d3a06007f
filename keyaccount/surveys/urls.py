"""Pages of the surveys app: the staff list and send form, and the client's public answer page."""

from django.urls import path

from keyaccount.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("send/<int:account_pk>/", views.survey_send, name="send"),
    path("answer/<str:token>/", views.survey_answer, name="answer"),
]

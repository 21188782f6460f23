from django.urls import include, path

from twit import views

urlpatterns = [
    path("", views.public_timeline, name="public"),
    path("up", views.up, name="up"),
    path("report", views.report, name="report"),
    path("register", views.register, name="register"),
    path("login", views.login_view, name="login"),
    path("post", views.post_message, name="post"),
    path("user/<str:username>", views.user_timeline, name="user"),
    path("user/<str:username>/follow", views.follow, name="follow"),
    path("", include("django_prometheus.urls")),  # /metrics
]

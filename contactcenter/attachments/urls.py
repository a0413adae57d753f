from django.urls import path

from contactcenter.attachments import views

# under /console/
urlpatterns = [
    path("attachments/", views.upload, name="console-attachment-upload"),
    path("attachments/limits/", views.limits, name="console-attachment-limits"),
]

from django.urls import path

from outbound import console_views, reports, views

urlpatterns = [
    path("hooks/twilio/dialer/answer/", views.answered, name="dialer-answer"),
    path("hooks/twilio/dialer/status/", views.status, name="dialer-status"),
    path("hooks/twilio/dialer/amd/", views.machine_detected, name="dialer-amd"),
    path(
        "console/customers/<str:customer_id>/reach/",
        console_views.reachability,
        name="customer-reach",
    ),
    path(
        "console/customers/<str:customer_id>/contact/",
        console_views.contact,
        name="customer-contact",
    ),
    path("console/outbound/next/", console_views.preview_next, name="preview-next"),
    path("console/outbound/dial/", console_views.preview_dial, name="preview-dial"),
    path("console/outbound/wrap-up/", console_views.wrap_ups, name="outbound-wrap-ups"),
    path(
        "console/outbound/attempts/<str:attempt_id>/wrap-up/",
        console_views.wrap_up,
        name="outbound-wrap-up",
    ),
    path("supervisor/outbound/", reports.report, name="outbound-report"),
    path("supervisor/outbound.csv", reports.report_csv, name="outbound-report-csv"),
]

from django.urls import path

from contactcenter.knowledge import help_views, views

app_name = "knowledge"
urlpatterns = [
    path("help/", help_views.index, name="help"),
    path("help/api/search/", help_views.widget_search, name="widget-search"),
    path("help/api/articles/<str:article_id>/", help_views.widget_article, name="widget-article"),
    path("help/api/feedback/", help_views.widget_feedback, name="widget-feedback"),
    path("help/api/escalated/", help_views.widget_escalated, name="widget-escalated"),
    path("help/<slug:slug>/", help_views.article, name="article"),
    path("help/<slug:slug>/rate/", help_views.rate, name="rate"),
    path("knowledge/search/", views.console_search, name="search"),
    path("knowledge/assist/<str:interaction_id>/", views.suggestions, name="assist"),
    path(
        "knowledge/sentiment/<str:interaction_id>/", views.conversation_sentiment, name="sentiment"
    ),
    path("knowledge/draft/<str:interaction_id>/", views.draft, name="draft"),
    path("knowledge/moods/", views.mood_board, name="moods"),
    path("supervisor/knowledge/", views.report, name="report"),
]

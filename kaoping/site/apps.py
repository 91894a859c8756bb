from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: the home page, the navigation, the demo and the city bench (they gather every area)."""

    name = "kaoping.site"
    label = "site"

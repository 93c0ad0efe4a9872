from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from dealerhub import views as project_views
from dealerhub.core import views as core_views
from dealerhub.core.api.schema import SchemaContentNegotiation

api_v1 = [
    path("", include("markets.api.urls")),
    path("", include("dealers.api.urls")),
    path("", include("keyaccounts.api.urls")),
    path("", include("planning.api.urls")),
    path("", include("sales.api.urls")),
    path("", include("integrations.api.urls")),
    path(
        "schema/",
        SpectacularAPIView.as_view(content_negotiation_class=SchemaContentNegotiation),
        name="api-schema",
    ),
    path(
        "docs/",
        # Redoc injects its own styles and renders in a worker; allow just that here.
        csp_override(
            {
                **settings.SECURE_CSP,
                "style-src": ["'self'", "'unsafe-inline'"],
                "worker-src": ["'self'", "blob:"],
            }
        )(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

urlpatterns = [
    path("", project_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    path("accounts/", include("accounts.urls")),
    path("markets/", include("markets.urls")),
    path("dealers/", include("dealers.urls")),
    path("key-accounts/", include("keyaccounts.urls")),
    path("planning/", include("planning.urls")),
    path("sales/", include("sales.urls")),
    path("integrations/", include("integrations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "DealerHub"
admin.site.site_title = "DealerHub"

handler400 = "dealerhub.core.views.bad_request"
handler404 = "dealerhub.core.views.page_not_found"
handler500 = "dealerhub.core.views.server_error"

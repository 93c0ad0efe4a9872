app_name = "keyaccounts"

urlpatterns: list = []

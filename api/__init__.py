"""The registry's HTTP API: read endpoints over the SQL mirror (`create_app` in `api.app`)."""

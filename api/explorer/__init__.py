"""The registry explorer's static files (HTML, CSS, JavaScript modules), served by the API."""

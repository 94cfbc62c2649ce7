from marketplace import create_app
from marketplace.app_setup import warm_templates

app = create_app()
warm_templates(app)  # each served worker compiles its templates before its first request

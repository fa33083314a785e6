from fastapi import FastAPI

app = FastAPI(title="${{ values.name }}")
{% if values.database == "postgres" %}
DATABASE_URL = "postgresql://localhost/${{ values.name }}"
{% else %}
DATABASE_URL = "sqlite:///./${{ values.name }}.db"
{% endif %}

@app.get("/healthz")
def healthz():
    return {"status": "ok"}

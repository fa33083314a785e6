from fastapi import FastAPI

app = FastAPI(title="ledger")

DATABASE_URL = "sqlite:///./ledger.db"


@app.get("/healthz")
def healthz():
    return {"status": "ok"}

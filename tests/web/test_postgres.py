"""The studio on PostgreSQL: the same API, runs and isolation as on SQLite, on a real server the test run
starts itself (tests/conftest.py: postgres_server)."""

from .helpers import compose, running_studio, signup


def test_the_studio_on_postgresql(tmp_path, fake_corpora, postgres_database):
    with running_studio(tmp_path, fake_corpora, db_url=postgres_database) as c:
        ann, bob = signup(c, "ann"), signup(c, "bob")
        run = compose(c, ann, seed=3)
        assert run["status"] == "done"
        pid = run["result"]["pieces"][0]["id"]
        assert c.patch(f"/api/pieces/{pid}", json={"kept": True}, headers=ann).json()["kept"]
        assert c.get(f"/api/pieces/{pid}", headers=bob).status_code == 404
        assert c.put("/api/ratings", json={"item": "corpus:oneills/0", "stars": 5}, headers=bob).status_code == 200
        recs = c.get("/api/recommendations", headers=bob).json()["pieces"]
        assert recs and all(r["item"] != "corpus:oneills/0" for r in recs)
        assert c.app.state.studio.db.dialect == "postgresql"

import pytest

from tunesmith.errors import ConfigError
from tunesmith.library.accounts import check_password, create_user, issue_token, revoke_token, user_of_token
from tunesmith.library.schema import User


def test_passwords_are_hashed_and_checked(db):
    with db.session.begin() as s:
        user = create_user(s, "clara", "correct horse")
        assert user.password_hash.startswith("$argon2id$") and "correct horse" not in user.password_hash
        assert check_password(s, "clara", "correct horse").id == user.id
        assert check_password(s, "clara", "wrong horse!") is None
        assert check_password(s, "nobody", "correct horse") is None


@pytest.mark.parametrize("name, password, message", [
    ("x", "long enough", "user name"), ("has space", "long enough", "user name"), ("ok", "short", "password"),
    ("ok", "y" * 2000, "password"),
])
def test_bad_names_and_passwords_are_refused(db, name, password, message):
    with db.session.begin() as s, pytest.raises(ConfigError, match=message):
        create_user(s, name, password)


def test_a_name_is_taken_once(db):
    with db.session.begin() as s:
        create_user(s, "robert", "password1")
        with pytest.raises(ConfigError, match="taken"):
            create_user(s, "robert", "password2")


def test_tokens_are_stored_as_digests_and_can_be_revoked(db):
    with db.session.begin() as s:
        user = create_user(s, "dora", "password1")
        token = issue_token(s, user, "api", days=None)
    with db.session.begin() as s:
        assert user_of_token(s, token).id == user.id
        assert user_of_token(s, token + "x") is None
        from sqlalchemy import select

        from tunesmith.library.schema import Token

        assert token not in {t.digest for t in s.scalars(select(Token))}
        revoke_token(s, token)
    with db.session.begin() as s:
        assert user_of_token(s, token) is None


def test_an_expired_session_is_no_login(db):
    with db.session.begin() as s:
        user = create_user(s, "emil", "password1")
        token = issue_token(s, user, days=-1)
        assert user_of_token(s, token) is None
        assert s.get(User, user.id) is not None

"""dutydesk refuses to start without a secret key of its own, saying how to make one."""

import pytest

import config
from config import Config
from dutydesk import create_app
from dutydesk.core.secret_key import SecretKeyError


def _config(key):
    class Production(Config):
        SECRET_KEY = key
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    return Production


def test_dutydesk_will_not_start_without_a_secret_key():
    with pytest.raises(SecretKeyError) as refusal:
        create_app(_config(None))
    message = str(refusal.value)
    assert message.startswith("SECRET_KEY is not set")
    assert 'python3 -c "import secrets; print(secrets.token_hex(32))"' in message
    assert "instance/secret_key" in message


def test_dutydesk_will_not_start_on_the_old_default_key():
    with pytest.raises(SecretKeyError, match="SECRET_KEY is a value published in dutydesk's source code"):
        create_app(_config("dutydesk-dev-only-change-me"))


def test_dutydesk_will_not_start_on_a_short_key():
    with pytest.raises(SecretKeyError, match="SECRET_KEY is 20 characters long: use at least 32"):
        create_app(_config("a" * 20))


def test_dutydesk_starts_on_a_long_random_key():
    assert create_app(_config("0123456789abcdef" * 4)).secret_key == "0123456789abcdef" * 4


def test_the_key_comes_from_the_environment_before_the_instance_file(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from the environment " * 3)
    assert config._secret_key() == "from the environment " * 3

"""A password is at least 12 characters and not a common one, wherever it is set."""

import pytest
from sqlalchemy import func, select

from dutydesk.auth.passwords import WeakPassword, password_problem
from dutydesk.clock import now_utc
from dutydesk.demo import DEMO_PASSWORD
from dutydesk.extensions import db
from dutydesk.models import Role, User
from dutydesk.people import operations
from tests.factories import PASSWORD, create_user


def test_a_password_of_eleven_characters_is_refused_and_one_of_twelve_accepted():
    assert password_problem("eleven char") == ("Choose a password of at least 12 characters. Three or four random "
                                               "words make a password that is long and easy to remember.")
    assert password_problem("twelve chars") is None


@pytest.mark.parametrize("common", ["password1234", "qwertyuiop123", "iloveyou1234", "Password1234!"])
def test_a_common_password_is_refused_however_long(common):
    assert password_problem(common).startswith("That password is on a list of common passwords that attackers "
                                               "try first. Choose another.")


def test_the_test_and_demo_passwords_keep_the_rule():
    assert password_problem(PASSWORD) is None
    assert password_problem(DEMO_PASSWORD) is None


def test_a_person_cannot_be_added_with_a_weak_password():
    with pytest.raises(WeakPassword, match="at least 12 characters"):
        operations.create_user(username="new", display_name="New Person", password="short", roles=[Role.DUTY_WORKER])
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_new_password_must_keep_the_rule_and_the_old_one_stays_until_it_does():
    user = create_user("worker")
    before = user.password_hash
    with pytest.raises(WeakPassword, match="list of common passwords"):
        operations.reset_password(user, "password1234", now=now_utc())
    assert user.password_hash == before

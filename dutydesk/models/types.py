"""Column types shared by the models."""

from datetime import datetime

from sqlalchemy import DateTime, Enum, Integer
from sqlalchemy.types import TypeDecorator

from dutydesk.clock import as_utc


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back tz-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("dutydesk stores only tz-aware datetimes; use clock.now_utc()")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else as_utc(value)


def StrEnumType(enum_class, length: int = 30) -> Enum:
    """A Python StrEnum stored as its value in a plain string column on every database."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def render_migration_item(type_, obj, autogen_context):
    """Alembic: write UTCDateTime into migrations as the plain type it stores, so they stand alone."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, IntEnumType):
        return "sa.Integer()"
    return False


class IntEnumType(TypeDecorator):
    """A Python IntEnum stored as its number."""

    impl = Integer
    cache_ok = True

    def __init__(self, enum_class, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        return None if value is None else int(value)

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)

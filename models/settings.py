from sqlmodel import Field, SQLModel


class AppSetting(SQLModel, table=True):
    """A key/value setting stored with the data (for example whether this is a demo)."""

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(default="", max_length=2000)

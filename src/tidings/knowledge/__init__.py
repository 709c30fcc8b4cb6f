"""Knowledge as data: loading and validating the files tidings ships or a user gives."""

from tidings.knowledge.files import DataFile, Field, load_data_file

__all__ = ["DataFile", "Field", "load_data_file"]

"""The one error type for bad input data: the CLI turns it into a single stderr line and exit code 2."""


class InputError(Exception):
    """Bad input, located as precisely as known: file, 1-based row and field name are each optional."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.field = field

    def __str__(self) -> str:
        # e.g. "/x/abalone.csv: row 7: field 'sex': unknown code 'X' (expected M, F or I)"
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return ": ".join(parts)

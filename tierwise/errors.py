"""The one exception type the command line turns into a one-line error and exit 1."""


class TierwiseError(Exception):
    """A problem with the user's input or environment, explained in one line.

    The message says what went wrong and, where it can, what to do about it.
    The CLI prints it to stderr without a traceback and exits 1.
    """

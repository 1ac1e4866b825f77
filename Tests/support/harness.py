"""What every Python test script here reports with: a failed check, a skip, progress lines
shown under -v. Shared by Tests/Live and Tests/Delivery."""

VERBOSE = False


class Fail(AssertionError):
    pass


class Skip(Exception):
    pass


def log(msg):
    if VERBOSE:
        print("    " + msg, flush=True)


def check(cond, msg):
    if not cond:
        raise Fail(msg)

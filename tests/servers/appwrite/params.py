"""Request parameters as Appwrite's validators see them: ids, keys, permissions, times.

Each helper either returns the checked value or raises the ApiError Appwrite
1.7 answers with (general_argument_invalid and the utopia-php wording), so the
endpoint code reads as a list of parameters.
"""

import datetime
import re
import secrets
import time

from .errors import ApiError, invalid_param, missing_param

ID_RULE = ("Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, "
           "period, hyphen, and underscore. Can't start with a special char")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$")
_PERMISSION = re.compile(r'^(read|create|update|delete|write)\("([^"]+)"\)$')
_ROLE = re.compile(r"^(any|guests|users(/verified|/unverified)?|"
                   r"(user|team|member|label):[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?)$")

_MISSING = object()


def now():
    """The current time as Appwrite writes it: ISO 8601, milliseconds, +00:00."""
    return fmt_time(time.time())


def fmt_time(epoch):
    dt = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return dt.isoformat(timespec="milliseconds")


def parse_time(text):
    """An ISO 8601 date-time as epoch seconds, or None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def unique_id():
    """What ID.unique() gives: 13 hex digits of time and 7 of randomness."""
    return "%x%s" % (int(time.time() * 1e6) & ((1 << 52) - 1), secrets.token_hex(4)[:7])


def get(params, name, default=_MISSING):
    """A parameter, or `default`; with no default it is required."""
    if name in params and params[name] is not None:
        return params[name]
    if default is _MISSING:
        raise missing_param(name)
    return default


def custom_id(params, name):
    """An id parameter that may be 'unique()' (CustomId validator)."""
    value = get(params, name)
    if value == "unique()":
        return unique_id()
    return check_id(name, value)


def check_id(name, value):
    if not isinstance(value, str) or not _ID.match(value):
        raise invalid_param(name, ID_RULE)
    return value


def key(params, name="key"):
    """An attribute or index key (Key validator: the same rule as ids)."""
    return check_id(name, get(params, name))


def text(params, name, maxlen=128, required=True):
    """A non-empty string of at most `maxlen` chars; None when optional and absent."""
    value = get(params, name) if required else params.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > maxlen:
        raise invalid_param(name, "Value must be a valid string and at least 1 chars and no "
                            "longer than %d chars" % maxlen)
    return value


def boolean(params, name, default=_MISSING):
    value = get(params, name, default)
    if isinstance(value, str) and value in ("true", "false"):
        value = value == "true"
    if not isinstance(value, bool):
        raise invalid_param(name, "Value must be a valid boolean")
    return value


def integer(params, name, default=_MISSING, lo=None, hi=None):
    value = get(params, name, default)
    if value is None:
        return None
    if isinstance(value, str) and re.match(r"^-?\d+$", value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid_param(name, "Value must be a valid integer")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise invalid_param(name, "Value must be a valid range between %s and %s"
                            % (format(lo, ","), format(hi, ",")))
    return value


def string_list(params, name, default=_MISSING, maxlen=100):
    value = get(params, name, default)
    if not isinstance(value, list) or len(value) > maxlen or \
            not all(isinstance(v, str) for v in value):
        raise invalid_param(name, "Value must a valid array no longer than %d items and "
                            "Value must be a valid string" % maxlen)
    return value


def permissions(params, name="permissions", document=False):
    """Checked permission strings, deduplicated, with write() expanded.

    Appwrite stores `write("role")` as update and delete (and create on a
    collection or bucket), so that is what comes back.  None when absent.
    """
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid_param(name, "Permissions must be an array of strings.")
    out = []
    for perm in value:
        m = _PERMISSION.match(perm) if isinstance(perm, str) else None
        if not m:
            raise invalid_param(name, 'Permission "%s" is not allowed. Must be one of: read, '
                                'create, update, delete, write.' % perm)
        action, role = m.groups()
        if not _ROLE.match(role):
            raise invalid_param(name, 'Role "%s" is not allowed. Must be one of: any, guests, '
                                'users, user, team, member, label.' % role)
        if action == "write":
            actions = ["update", "delete"] if document else ["create", "update", "delete"]
        elif action == "create" and document:
            raise invalid_param(name, 'Permission "%s" is not allowed. Must be one of: read, '
                                'update, delete, write.' % perm)
        else:
            actions = [action]
        for a in actions:
            p = '%s("%s")' % (a, role)
            if p not in out:
                out.append(p)
    return out


def allows(perms, action, roles):
    """Whether a permission list grants `action` to any of `roles`."""
    return any('%s("%s")' % (action, r) in perms for r in roles)


def not_found_if(cond, type_):
    if cond:
        raise ApiError(type_)

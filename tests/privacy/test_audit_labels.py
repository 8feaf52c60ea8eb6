"""Every action the code writes to the audit log has a label in English and Danish (issue 17
point 8): the admin reads "Application read" / "Ansøgning læst", never `application_viewed`.

The actions are found in the source itself: every call of `app.privacy.audit.record` (and
of the small module helpers that pass their `action` parameter on to it), with the action
given as a literal, a name bound to literals, or an f-string over a fixed list of values."""

import ast
from pathlib import Path

from app.i18n import translations
from app.privacy.audit_labels import ACTIONS, KINDS, REASON_WORDS
from app.privacy.requests_queue import CLOSED_STATUSES
from app.recruiting.interviews import ANSWERS
from app.recruiting.positions_admin import STATUSES

ROOT = Path(__file__).resolve().parents[2]
# The values an f-string action is made from: a new f-string needs its values taught here.
F_STRING_VALUES = {"position_": STATUSES[1:], "rights_request_": CLOSED_STATUSES}


def _is_audit_record(call: ast.Call, module: ast.Module) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return (
            func.attr == "record" and isinstance(func.value, ast.Name) and func.value.id == "audit"
        )
    if isinstance(func, ast.Name) and func.id == "record":
        return any(
            isinstance(n, ast.ImportFrom) and n.module == "app.privacy.audit"
            for n in ast.walk(module)
        )
    return False


def _literals(node: ast.AST, scope: ast.AST) -> set[str]:
    """The action strings `node` can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body, scope) | _literals(node.orelse, scope)
    if isinstance(node, ast.JoinedStr):
        prefix = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        assert prefix in F_STRING_VALUES, f"teach F_STRING_VALUES the values of f'{prefix}...'"
        return {prefix + value for value in F_STRING_VALUES[prefix]}
    if isinstance(node, ast.Name):
        bound: set[str] = set()
        for n in ast.walk(scope):
            if isinstance(n, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in n.targets
            ):
                bound |= _literals(n.value, scope)
        return bound
    return set()


def _actions_in(path: Path) -> set[str]:
    module = ast.parse(path.read_text())
    found: set[str] = set()
    # Helpers like `_audit(actor, action, ...)` pass a parameter on: their callers name it.
    helpers: dict[str, int] = {}
    for fn in ast.walk(module):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        params = [a.arg for a in fn.args.args]
        for call in ast.walk(fn):
            if isinstance(call, ast.Call) and _is_audit_record(call, module) and len(call.args) > 1:
                action = call.args[1]
                if isinstance(action, ast.Name) and action.id in params:
                    helpers[fn.name] = params.index(action.id)
                else:
                    read = _literals(action, fn) or _literals(action, module)
                    assert read, f"{path}:{call.lineno}: an action this test cannot read"
                    found |= read
    for call in ast.walk(module):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in helpers
            and len(call.args) > helpers[call.func.id]
        ):
            found |= _literals(call.args[helpers[call.func.id]], module)
    return found


def written_actions() -> set[str]:
    found: set[str] = set()
    for folder in ("app", "kiosk"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= _actions_in(path)
    return found


def test_the_scan_finds_the_actions_it_should():
    """Guards the scan itself: literals, helpers, names bound to literals and f-strings."""
    found = written_actions()
    for action in (
        "application_viewed",  # a literal
        "details_corrected",  # through candidate_rights._audit
        "visit_log_searched",  # a name bound to two literals, through on_site._audited
        "staff.totp_enabled",  # a name in second_factor
        "position_closed",  # an f-string
        "rights_request_refused",
        "erasure",  # a module constant
    ):
        assert action in found, action


def test_every_action_written_has_a_label_in_english_and_danish():
    danish = translations("da").gettext
    missing = sorted(written_actions() - ACTIONS.keys())
    assert not missing, f"add these to app/privacy/audit_labels.py ACTIONS: {missing}"
    untranslated = sorted(
        label
        for label in [*ACTIONS.values(), *KINDS.values(), *REASON_WORDS.values()]
        if danish(label) == label
    )
    assert not untranslated, f"no Danish for: {untranslated}"


def test_every_interview_answer_has_words():
    """interview_answered records the candidate's choice as its reason: a new choice needs
    its words, or the log shows the code."""
    assert set(ANSWERS) <= REASON_WORDS.keys()


def test_every_value_a_reason_can_hold_has_words_in_english_and_danish():
    """The reasons written with a value in them are worded on the audit page and in its CSV:
    a new bulk action, language, role or consent purpose needs its words, or the log shows
    the code ("reject_with_template: 3 of 4", "da", "hr", "purpose m")."""
    from app.privacy.audit_labels import BULK, BULK_MOVED, LANGUAGES, ROLES
    from app.privacy.notices import CANDIDATE_PURPOSES
    from app.privacy.statistics_report import CONSENT
    from app.recruiting.bulk import ACTIONS as BULK_ACTIONS
    from app.recruiting.pipeline import STAGES
    from app.staff.services import ROLES as STAFF_ROLES
    from app.web.i18n import LANGUAGE_NAMES

    assert all(a in BULK or a in STAGES for a in BULK_ACTIONS)
    assert set(LANGUAGE_NAMES) <= LANGUAGES.keys()
    assert set(STAFF_ROLES) <= ROLES.keys()
    assert set(CANDIDATE_PURPOSES) <= CONSENT.keys()
    danish = translations("da").gettext
    words = [*BULK.values(), BULK_MOVED, *LANGUAGES.values(), *CONSENT.values()]
    assert [w for w in words if danish(w) == w] == []


def test_the_reasons_written_whole_or_counted_have_danish_words():
    """A reason worded whole ("command line"), from parts ("role=hr disabled=False sso_only"),
    as a count ("3 candidate visits") or as an export's filters needs its Danish, or the
    Danish page shows English; a count needs its singular and plural."""
    from app.privacy import audit_labels as labels

    catalogue = translations("da")
    words = [*labels.FIXED.values(), labels.ROLE, labels.ACCOUNT_ON, labels.ACCOUNT_OFF,
             labels.SSO_ONLY, labels.FROM_PROVIDER, labels.EXPORT_ALL, labels.EXPORT_FILTER,
             *labels.EXPORT_PARTS.values()]  # fmt: skip
    assert [w for w in words if catalogue.gettext(w) == w] == []
    counts = [labels.VISITS_SHOWN, labels.CANDIDATE_VISITS, labels.VISITOR_ACCESS, labels.VISITS]
    for one, many in counts:
        assert catalogue.ngettext(one, many, 1) != one and catalogue.ngettext(one, many, 3) != many

"""Readable names for the verbs of audit actions ("cadre.update" reads 修改 / "update").

An action is "<subject>.<verb>"; the subject is shown through the object type, so mostly only the
verbs need names here. Where one verb means different things for different subjects ("compute"), the
whole action has its own name in `ACTIONS`, read first. A verb without a name is shown as written.
"""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "create": _("created"),
    "update": _("changed"),
    "deactivate": _("deactivated"),
    "reactivate": _("reactivated"),
    "import": _("imported"),
    "export": _("exported"),
    "login": _("logged in"),
    "logout": _("logged out"),
    "login_failed": _("failed to log in"),
    "locked": _("locked after failed logins"),
    "unlock": _("unlocked"),
    "reset_password": _("password reset by an administrator"),
    "change_password": _("changed own password"),
    "load": _("demo data loaded"),
    "publish": _("published"),
    "archive": _("archived"),
    "set_weight": _("weight changed"),
    "delete": _("deleted"),
    "open": _("opened"),
    "move": _("status changed"),
    "decide": _("decided"),
    "rescore": _("published results changed by a later input"),
    "withdraw": _("withdrawn: the month's inputs no longer change it"),
    "decline": _("declined"),
    "codes": _("voting codes generated"),
    "save": _("saved"),
    "extend": _("deadline extended"),
    "note": _("note added"),
    "anchor": _("log anchored"),
    "rekey": _("log keyed from here on"),
    "upload": _("file uploaded"),
    "area_assign": _("area put in a leader's charge"),
    "area_end": _("area's assignment ended"),
    "submit": _("submitted"),
    "return": _("returned"),
    "decision": _("meeting decision recorded"),
    "settings": _("settings changed"),
    "compute": _("computed from the published rankings"),
    "exempt": _("exempted, with a reason"),
    "finalise": _("made final"),
    "approve": _("approved"),
    "answer": _("answered in writing"),
    "objection": _("objection raised"),
    "review": _("review asked for"),
    "change": _("changed by hand, with a reason"),
    "remove": _("removed"),
    "confirm": _("confirmed after the publication window"),
    "close": _("record closed"),
    "files": _("files changed"),
    "note_files": _("follow-up note's files changed"),
    "approve_share": _("raised 优秀 share approved"),
}

# Actions whose verb alone would say something untrue of them.
ACTIONS = {
    "annual_proposal.compute": _("annual proposal computed from the year's published months"),
    "annual_result.compute": _("annual grade set by the computed proposal"),
    "pay_plan.compute": _("pay computed from the confirmed annual grades"),
}


def verb_label(action: str) -> str:
    action = str(action or "")
    if action in ACTIONS:
        return str(ACTIONS[action])
    verb = action.rpartition(".")[2]
    return str(VERBS.get(verb, verb))

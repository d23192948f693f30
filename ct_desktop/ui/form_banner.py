"""What the banner of a return says before the person edits it: what an edit will do to a queued or
accepted return, why the tracker refused it, or that the tracker's copy changed. No Qt here."""

from __future__ import annotations

from ct_desktop.forms.model import FormDefinition
from ct_desktop.models import ReturnDraft, ReturnState
from ct_desktop.store import Store
from ct_desktop.ui.comparison import compare
from ct_desktop.ui.field_text import moment_text, parse_moment

INFO, WARNING, ERROR, SUCCESS = "info", "warning", "error", "success"
COMPARE = "Compare answers…"
SEND_AGAIN = "Press “Ready to send” again when the answers are ready."


def banner_for(store: Store, form: FormDefinition, draft: ReturnDraft | None,
               edit_notice: str | None) -> tuple[str, str, str | None] | None:
    """(kind, text, button text or None) for the banner, or None for no banner."""
    if draft is None:
        return None
    if draft.state is ReturnState.QUEUED:
        return _queued(store, draft)
    if draft.state is ReturnState.ACCEPTED:
        return (SUCCESS, f"Accepted by the tracker as revision {draft.base_revision}. If you change an answer, the "
                "accepted revision is kept as it is and your changes start a new revision, which you will need "
                "to send.", None)
    if draft.state is ReturnState.REJECTED:
        return ERROR, _rejected(form, draft), None
    if draft.state is ReturnState.CONFLICT:
        return WARNING, conflict_summary(draft) + " Compare the answers and choose which to keep.", COMPARE
    if draft.server_copy is not None and _still_differs(form, draft):
        # Edited since the conflict: what is sent replaces the tracker's copy, whose answers may be worth taking.
        return (INFO, f"{conflict_summary(draft)} Some of its answers differ from yours; what you send replaces "
                "them.", COMPARE)
    if edit_notice:
        return INFO, f"Your change: {edit_notice}. {SEND_AGAIN}", None
    return None


def conflict_summary(draft: ReturnDraft) -> str:
    """E.g. 'Someone changed this return on the tracker (revision 3, by JB at 14:02 on 9 September 2026)
    after you started.'"""
    copy = draft.server_copy or {}
    facts = []
    if copy.get("revision") is not None:
        facts.append(f"revision {copy['revision']}")
    if copy.get("reviewed_by"):
        facts.append(f"by {copy['reviewed_by']}")
    when = parse_moment(copy.get("accepted_at"))
    if when is not None:
        facts.append(f"at {moment_text(when)}")
    said = f" ({', '.join(facts)})" if facts else ""
    return f"Someone changed this return on the tracker{said} after you started."


def _still_differs(form: FormDefinition, draft: ReturnDraft) -> bool:
    return any(comparison.differs for comparison in compare(form, draft))


def _queued(store: Store, draft: ReturnDraft) -> tuple[str, str, str | None]:
    item = next((i for i in store.outbox_items(draft.location_id) if i.submission_id == draft.submission_id), None)
    lead = "Queued to send"
    if draft.no_changes:
        lead = f"Queued to send unchanged from the last accepted return (reviewed by {draft.reviewed_by})"
    elif item is not None:
        lead += f" (by {item.queued_by} at {moment_text(item.queued_at)})"
    if item is not None and item.set_aside_reason:
        return (WARNING, f"Sending this return has stopped: {item.set_aside_reason}. Change the answers that need "
                f"it; that takes it out of the outbox. {SEND_AGAIN}", None)
    if item is None or item.never_attempted:
        return (INFO, f"{lead}. It has not been sent yet. If you change an answer, it is taken out of the outbox "
                f"and nothing is sent until you press “Ready to send” again.", None)
    return (INFO, f"{lead}, and already on its way to the tracker. If you change an answer, the copy on its way "
            "is still delivered and your changes start a new revision, which you will need to send.", None)


def _rejected(form: FormDefinition, draft: ReturnDraft) -> str:
    general = [f"{key}: {' '.join(texts)}" for key, texts in draft.tracker_messages.items()
               if not form.has_field(key)]
    text = "The tracker refused this return. Its reasons are shown in red beside the questions"
    if general:
        text += "; it also said: " + "; ".join(general)
    return text + f". Correct the answers, then {SEND_AGAIN[0].lower()}{SEND_AGAIN[1:]}"

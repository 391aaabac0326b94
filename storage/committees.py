"""Committees (会議体) in ``library.json``: list, add, update, delete, each one atomic write.

The committees are stored as the dicts of :meth:`minutes.committee.Committee.to_dict`
in the library's ``committees`` table (:meth:`storage.library.Library.committees`,
:meth:`~storage.library.Library.set_committees`). Every change rewrites that
table in one atomic write of the library file, after checking the committee
(:class:`~minutes.committee.CommitteeError` with a Japanese message, nothing
written).

A stored committee that cannot be read (edited by hand, or from a newer
version) is never dropped: :func:`read_committees` reports it, and changes to
other committees keep its stored dict as it is.
"""

from __future__ import annotations

from typing import Any

from minutes.committee import Committee, CommitteeError
from storage.library import Library


def read_committees(library: Library) -> tuple[list[Committee], list[str]]:
    """The committees that can be read, in stored order, and a Japanese line for each that cannot."""
    return _read_dicts(library.committees())


def committees_from_dicts(stored: list[Any]) -> list[Committee]:
    """The committees that can be read among stored dicts (:func:`storage.library.committees_in_file`)."""
    return _read_dicts(stored)[0]


def _read_dicts(stored: list[Any]) -> tuple[list[Committee], list[str]]:
    committees: list[Committee] = []
    problems: list[str] = []
    for n, data in enumerate(stored, start=1):
        try:
            committees.append(Committee.from_dict(data))
        except CommitteeError as error:
            name = data.get("name") if isinstance(data, dict) else None
            label = f"「{name}」" if isinstance(name, str) and name else f"{n}番目"
            problems.append(f"会議体{label}を読めません: {error.message}")
    return committees, problems


def list_committees(library: Library) -> list[Committee]:
    """The committees that can be read, in stored order."""
    return read_committees(library)[0]


def _stored_id(data: Any) -> Any:
    return data.get("id") if isinstance(data, dict) else None


def _check(library: Library, committee: Committee) -> dict[str, Any]:
    """The checked stored form; refuses a name another committee has."""
    checked = Committee.from_dict(committee.to_dict())
    for data in library.committees():
        if _stored_id(data) != checked.id and isinstance(data, dict) and data.get("name") == checked.name:
            raise CommitteeError(
                f"会議体「{checked.name}」はもうあります。名前を変えるか、今ある会議体を編集してください。"
            )
    return checked.to_dict()


def save_committee(library: Library, committee: Committee) -> Committee:
    """Add the committee, or replace the stored one with the same id; returns it as stored."""
    data = _check(library, committee)
    stored = library.committees()
    for index, old in enumerate(stored):
        if _stored_id(old) == data["id"]:
            stored[index] = data
            break
    else:
        stored.append(data)
    library.set_committees(stored)
    return Committee.from_dict(data)


def add_committee(library: Library, committee: Committee) -> Committee:
    """Add a new committee; :class:`CommitteeError` if its id is taken."""
    if any(_stored_id(old) == committee.id for old in library.committees()):
        raise CommitteeError(f"会議体のID「{committee.id}」はもう使われています。")
    return save_committee(library, committee)


def update_committee(library: Library, committee: Committee) -> Committee:
    """Replace a stored committee; :class:`CommitteeError` if there is none with its id."""
    if not any(_stored_id(old) == committee.id for old in library.committees()):
        raise CommitteeError(f"会議体「{committee.name}」が見つかりません。一覧を開き直してください。")
    return save_committee(library, committee)


def delete_committee(library: Library, committee_id: str) -> bool:
    """Remove a committee (meetings made from it are kept); True if there was one."""
    stored = library.committees()
    kept = [data for data in stored if _stored_id(data) != committee_id]
    if len(kept) == len(stored):
        return False
    library.set_committees(kept)
    return True

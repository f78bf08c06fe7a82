"""The result tree's model: one status report as groups of (Field, Value) rows.

Groups: "Job" (the chosen job row), "Arguments" (every arg), "Response" (the envelope's ``response`` plus any
unknown envelope fields) and, for answers with several rows, "Other rows". Nothing is dropped: unknown fields
are shown under their JSON key and odd values as compact JSON.

Built for big answers (1,000 rows x 50 args): ``set_report`` builds only the nodes of the chosen job; the
other rows are added to their group in batches through ``canFetchMore``/``fetchMore`` and each row's own
fields are built the first time the view asks for them.

A new answer about the job already shown (a refresh, a watched job's next check) updates the tree in place:
changed values are one ``dataChanged`` each, and a group whose rows changed gets only its own rows removed and
inserted, so the view keeps what the user expanded, selected and scrolled to. Another job, or an answer of a
different shape (the groups differ), replaces everything with one model reset.

The API token never shows in full: values that carry it (the envelope ``uri``) are masked for display and
copy; ``RawValueRole`` keeps the raw JSON value for code that needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from pig_desktop.core.durations import format_measured
from pig_desktop.core.models import JobRow, as_float
from pig_desktop.core.outcome import StatusReport
from pig_desktop.core.summary import arg_label, envelope_label
from pig_desktop.core.ticket import (
    display_value as full_display_value,
)
from pig_desktop.core.ticket import (
    epoch_to_datetime,
    format_local,
    format_utc,
    mask_text,
)
from pig_desktop.i18n import _, ngettext

# A value longer than this is shown cut, ending in "…"; FullTextRole and "Show all" give the whole of it.
# The GUI thread never lays out, masks or serialises more than about this much of one field.
SHOWN_CHARS = 1000
ELIDED_SUFFIX = " …"

RawValueRole = int(Qt.ItemDataRole.UserRole) + 1
CopyTextRole = int(Qt.ItemDataRole.UserRole) + 2
KeyRole = int(Qt.ItemDataRole.UserRole) + 3  # the JSON key a row came from ("" for computed rows)
GroupRole = int(Qt.ItemDataRole.UserRole) + 4  # the group id ("job", "args", ...) of a top-level row
ElidedRole = int(Qt.ItemDataRole.UserRole) + 5  # True when the Value shown is cut
FullTextRole = int(Qt.ItemDataRole.UserRole) + 6  # the whole value, masked (built on demand: "Show all")


def display_value(value: Any) -> str:
    """What the tree shows of a value: at most a little more than SHOWN_CHARS, at a cost bounded by that."""
    return full_display_value(value, limit=SHOWN_CHARS + 64)


FIELD_COLUMN = 0
VALUE_COLUMN = 1
OTHER_ROWS_BATCH = 100

AnyIndex = QModelIndex | QPersistentModelIndex


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """ "just now", "5 min ago", "3 hours ago", "yesterday", "4 days ago", ... (translated)."""
    now = now or datetime.now(UTC)
    seconds = (now - moment).total_seconds()
    future = seconds < -60
    seconds = abs(seconds)

    # Each unit and direction is its own whole sentence: a translator may need another word order for "in".
    def say(count: int, past: str, ahead: str) -> str:
        return (ahead if future else past).format(count=count)

    if seconds < 45:
        return _("just now")
    n = max(1, round(seconds / 60))
    if n < 60:
        return say(
            n,
            ngettext("{count} min ago", "{count} min ago", n),
            ngettext("in {count} min", "in {count} min", n),
        )
    n = round(seconds / 3600)
    if n < 24:
        return say(
            n,
            ngettext("{count} hour ago", "{count} hours ago", n),
            ngettext("in {count} hour", "in {count} hours", n),
        )
    days = round(seconds / 86400)
    if days == 1 and not future:
        return _("yesterday")
    if days < 14:
        n = days
        return say(
            n,
            ngettext("{count} day ago", "{count} days ago", n),
            ngettext("in {count} day", "in {count} days", n),
        )
    if days < 60:
        n = round(days / 7)
        return say(
            n,
            ngettext("{count} week ago", "{count} weeks ago", n),
            ngettext("in {count} week", "in {count} weeks", n),
        )
    if days < 365:  # the same units as the job summary's core.summary.relative_age
        n = round(days / 30.44)
        return say(
            n,
            ngettext("{count} month ago", "{count} months ago", n),
            ngettext("in {count} month", "in {count} months", n),
        )
    n = round(days / 365.25)
    return say(
        n,
        ngettext("{count} year ago", "{count} years ago", n),
        ngettext("in {count} year", "in {count} years", n),
    )


def local_with_relative(moment: datetime, now: datetime | None = None) -> str:
    # TRANSLATORS: a date and time, then how long ago it was: "17 Jan 2024, 17:38:55 CET (3 years ago)".
    return _("{date} ({relative})").format(date=format_local(moment), relative=relative_time(moment, now))


def _row_job_id(row: dict[str, Any]) -> str:
    cinx = row.get("cinx_id")
    value = cinx.get("id") if isinstance(cinx, dict) else cinx
    return value.lower() if isinstance(value, str) else ""


def _other_raws(group: _Node) -> list[Any]:
    """The raw rows of an "Other rows" group, added or still pending, in order."""
    shown = [child.raw for child in group.children] if group.is_loaded else []
    return shown + [raw for _number, raw in group.pending]


def _chosen_row(report: StatusReport) -> int:
    """The position of the row the report is about (the same rule as ``core.outcome.pick_job_row``)."""
    assert report.envelope is not None
    wanted = report.job_id.lower()
    for number, row in enumerate(report.envelope.rows):
        if _row_job_id(row) == wanted:
            return number
    return 0


class _Node:
    """One tree row. Children may be built on first use (``loader``) or added in batches (``pending``)."""

    __slots__ = (
        "parent",
        "row",
        "field",
        "value",
        "raw",
        "key",
        "tooltip",
        "elided",
        "group",
        "_children",
        "loader",
        "pending",
        "uid",
    )

    def __init__(
        self,
        parent: _Node | None,
        field: str,
        value: str = "",
        raw: Any = None,
        key: str = "",
        tooltip: str = "",
        group: str = "",
    ) -> None:
        self.parent = parent
        self.row = 0
        self.field = field
        self.elided = len(value) > SHOWN_CHARS
        self.value = value[:SHOWN_CHARS] + ELIDED_SUFFIX if self.elided else value
        self.raw = raw
        self.key = key
        self.tooltip = tooltip
        self.group = group
        self._children: list[_Node] | None = []
        self.loader: Callable[[_Node], list[_Node]] | None = None
        # Rows of "Other rows" not yet added (fetchMore adds them in batches).
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.uid = 0  # the index's internal id, given when the model first makes an index for this node

    @property
    def children(self) -> list[_Node]:
        if self._children is None:
            assert self.loader is not None
            built = self.loader(self)
            for number, child in enumerate(built):
                child.row = number
            self._children = built
        return self._children

    def lazy(self, loader: Callable[[_Node], list[_Node]]) -> None:
        self._children = None
        self.loader = loader

    def add(self, child: _Node) -> _Node:
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    @property
    def is_loaded(self) -> bool:
        return self._children is not None


class ResultModel(QAbstractItemModel):
    """Two columns (Field, Value) over the groups of one :class:`StatusReport`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, "")
        self._nodes: dict[int, _Node] = {}
        self._next_uid = 0
        self._stale = _Node(None, "")  # stands in for an index from before the last reset
        self._report: StatusReport | None = None
        self._now: datetime | None = None  # fixed "now" for tests; None means the clock
        self._bold = QFont()
        self._bold.setBold(True)

    # --- content ---

    @property
    def report(self) -> StatusReport | None:
        return self._report

    def set_now(self, now: datetime | None) -> None:
        """Pin the clock used for "3 hours ago" (tests, screenshots); ``None`` goes back to the real clock."""
        self._now = now

    def set_report(self, report: StatusReport | None) -> bool:
        """Show ``report``. Returns True if the tree was rebuilt (a model reset), False if it was updated in
        place (the same job again, with the same groups: see the module docstring)."""
        if report is not None and self._report is not None and self._report.is_about(report.job_id):
            fresh = _Node(None, "")
            self._build(report, fresh)
            if [g.group for g in fresh.children] == [g.group for g in self._root.children]:
                self._report = report
                for old, new in zip(self._root.children, fresh.children, strict=True):
                    self._update(old, new)
                return False
        self.beginResetModel()
        self._report = report
        self._root = _Node(None, "")
        self._nodes = {}
        if report is not None:
            self._build(report, self._root)
        self.endResetModel()
        return True

    # --- updating in place ---

    def _update(self, old: _Node, new: _Node) -> None:
        """Bring ``old`` (shown) in line with ``new`` (just built), touching only what changed."""
        if (old.value, old.tooltip, old.field) != (new.value, new.tooltip, new.field) or old.raw != new.raw:
            old.field, old.value, old.tooltip, old.raw = new.field, new.value, new.tooltip, new.raw
            if old.uid:  # a view has seen this row
                self.dataChanged.emit(
                    self._make_index(old.row, FIELD_COLUMN, old), self._make_index(old.row, VALUE_COLUMN, old)
                )
        if old.group == "other" or new.pending:
            # "Other rows" are added in batches as they are scrolled to: the same rows, nothing to do;
            # different ones, the group starts over.
            if _other_raws(old) != _other_raws(new):
                self._replace_children(old, new)
            return
        if not old.is_loaded:
            old.loader = new.loader  # never opened: it builds from the new answer when it is
            return
        children = new.children
        if [(c.field, c.key) for c in old.children] != [(c.field, c.key) for c in children]:
            self._replace_children(old, new)
            return
        for old_child, new_child in zip(old.children, children, strict=True):
            self._update(old_child, new_child)

    def _replace_children(self, old: _Node, new: _Node) -> None:
        parent = self._make_index(old.row, 0, old) if old is not self._root else QModelIndex()
        if old.is_loaded and old.children:
            self.beginRemoveRows(parent, 0, len(old.children) - 1)
            for child in old.children:
                self._forget(child)
            old._children = []
            self.endRemoveRows()
        old.pending = new.pending
        old.loader = new.loader
        # Built now even if ``new`` is lazy: the view has seen ``old`` with rows, so the new ones must arrive
        # with rowsInserted, not appear on the next rowCount().
        children = new.children
        if children:
            self.beginInsertRows(parent, 0, len(children) - 1)
            old._children = []
            for child in children:
                old.add(child)
            self.endInsertRows()

    def _forget(self, node: _Node) -> None:
        """Drop a removed subtree's index ids (a persistent index to it is already invalid)."""
        self._nodes.pop(node.uid, None)
        if node.is_loaded:
            for child in node.children:
                self._forget(child)

    def group_index(self, group: str) -> QModelIndex:
        """The index of a top-level group ("job", "args", "response", "other", "problem", "answer")."""
        for node in self._root.children:
            if node.group == group:
                return self._make_index(node.row, 0, node)
        return QModelIndex()

    def groups(self) -> list[str]:
        return [node.group for node in self._root.children]

    def find(self, group: str, field: str) -> QModelIndex:
        """The Value-column index of the row labelled ``field`` (or with JSON key ``field``) in ``group``."""
        parent = self._node(self.group_index(group))
        if parent is self._root:
            return QModelIndex()
        for node in parent.children:
            if field in (node.field, node.key):
                return self._make_index(node.row, VALUE_COLUMN, node)
        return QModelIndex()

    def copy_text(self, index: AnyIndex) -> str:
        """ "Field: Value" for a row; for a group (or any row with children) the whole block."""
        node = self._node(index)
        if node is self._root:
            return ""
        line = f"{node.field}: {node.value}" if node.value else node.field
        self._fetch_all(node)
        if not node.children:
            return line
        lines = [line] + [
            "  " + self.copy_text(self._make_index(c.row, 0, c)).replace("\n", "\n  ") for c in node.children
        ]
        return "\n".join(lines)

    def full_text(self, index: AnyIndex) -> str:
        """The whole value of a row, masked, however long ("Show all"): work in proportion to the value,
        so only on request, never while building or painting the tree."""
        node = self._node(index)
        if not node.elided:
            return node.value
        if node.key == "status_code" and isinstance(node.raw, dict):
            code = "" if node.raw.get("status_code") is None else full_display_value(node.raw["status_code"])
            message = full_display_value(node.raw.get("status_message") or "")
            return mask_text(" — ".join(p for p in (code, message) if p))
        return mask_text(full_display_value(node.raw))

    def _fetch_all(self, node: _Node) -> None:
        while node.pending:
            self.fetchMore(self._make_index(node.row, 0, node))

    # --- building ---

    def _build(self, report: StatusReport, root: _Node) -> None:
        def group_node(group: str, title: str) -> _Node:
            return root.add(_Node(root, title, group=group))

        job = report.job
        body = report.body if isinstance(report.body, dict) else None
        # Fields only support needs (references, method, address, format...): collapsed, after the rest.
        technical = _Node(root, _("Technical details"), group="technical")
        if job is not None:
            self._job_fields(group_node("job", _("Job")), job)
            args = group_node("args", _("Arguments"))
            self._arg_fields(args, job.args, technical)
        else:
            self._problem_fields(group_node("job", _("Job")), report)
        if body is not None and (isinstance(body.get("response"), dict) or report.envelope is not None):
            self._response_fields(group_node("response", _("Response")), body, technical)
        if technical.children:
            root.add(technical)
        if body is None and report.raw_text:
            answer = group_node("answer", _("Answer"))
            start = " ".join(report.raw_text[:300].split())
            answer.add(_Node(answer, _("Start of the answer"), start, raw=report.raw_text, tooltip=start))
            answer.add(
                _Node(
                    answer,
                    _("Length"),
                    ngettext("{count} character", "{count} characters", len(report.raw_text)).format(
                        count=len(report.raw_text)
                    ),
                )
            )
        if report.envelope is not None and len(report.envelope.rows) > 1:
            chosen = _chosen_row(report) if report.job else -1
            others = [(n + 1, row) for n, row in enumerate(report.envelope.rows) if n != chosen]
            if others:
                group_node("other", _("Other rows ({count})").format(count=len(others))).pending = others

    def _row_node(self, parent: _Node, number: int, raw: dict[str, Any]) -> _Node:
        job = JobRow.parse(raw)
        status = " ".join(p for p in (str(job.status_code or ""), job.status_message) if p)
        summary = "  ·  ".join(p for p in (job.job_id, status, job.app) if p)
        node = _Node(parent, _("Row {number}").format(number=number), summary, raw=raw)

        def load(owner: _Node) -> list[_Node]:
            holder = _Node(None, "")
            self._job_fields(holder, job)
            if job.args:
                args = holder.add(_Node(holder, _("Arguments"), raw=job.args, key="args"))
                self._arg_fields(args, job.args)
            for child in holder.children:
                child.parent = owner
            return holder.children

        if raw:
            node.lazy(load)
        return node

    def _job_fields(self, group: _Node, job: JobRow) -> None:
        raw = job.raw

        def add(label: str, value: str, key: str, tooltip: str = "", raw_value: Any = None) -> None:
            group.add(_Node(group, label, value, raw=raw_value, key=key, tooltip=tooltip))

        if "status_code" in raw or "status_message" in raw:
            code = "" if job.status_code is None else str(job.status_code)
            value = " — ".join(p for p in (code, job.status_message[: SHOWN_CHARS + 64]) if p)
            add(
                _("Status"),
                value,
                "status_code",
                raw_value={
                    "status_code": raw.get("status_code"),
                    "status_message": raw.get("status_message"),
                },
            )
        for key, label in (("app", _("App")), ("partner", _("Partner"))):
            if key in raw:
                add(label, display_value(raw[key]) if raw[key] is not None else "", key, raw_value=raw[key])
        if "command_started_at" in raw:
            moment = job.command_started_at
            if moment is not None:
                add(
                    _("Started at"),
                    local_with_relative(moment, self._now),
                    "command_started_at",
                    tooltip=format_utc(moment),
                    raw_value=raw["command_started_at"],
                )
            else:
                add(
                    _("Started at"),
                    job.command_started_at_text,
                    "command_started_at",
                    raw_value=raw["command_started_at"],
                )
        if "file_count" in raw:
            files = raw["file_count"]
            add(_("Files"), "" if files is None else display_value(files), "file_count", raw_value=files)
        cinx = raw.get("cinx_id")
        if "cinx_id" in raw:
            if isinstance(cinx, dict):
                add(_("CINX id"), display_value(cinx.get("id", "")), "cinx_id.id", raw_value=cinx.get("id"))
                if "domain" in cinx:
                    add(
                        _("Domain"),
                        display_value(cinx["domain"]),
                        "cinx_id.domain",
                        raw_value=cinx["domain"],
                    )
                if "type" in cinx:
                    add(_("Type"), display_value(cinx["type"]), "cinx_id.type", raw_value=cinx["type"])
                for key, value in cinx.items():
                    if key not in ("id", "domain", "type"):
                        add(f"cinx_id.{key}", display_value(value), f"cinx_id.{key}", raw_value=value)
            else:
                add(_("CINX id"), display_value(cinx) if cinx is not None else "", "cinx_id", raw_value=cinx)
        for key, value in job.extra.items():
            add(str(key), mask_text(display_value(value)), str(key), raw_value=value)

    def _arg_fields(self, group: _Node, args: dict[str, Any], technical: _Node | None = None) -> None:
        """Arguments under plain labels (the raw key in the Field tooltip and in Raw JSON); with
        ``technical``, the ones only support needs go there instead."""
        group.raw = args
        for name, value in args.items():
            label = arg_label(str(name))
            target = technical if technical is not None and label.technical else group
            target.add(_Node(target, label.label, mask_text(display_value(value)), raw=value, key=str(name)))

    def _response_fields(self, group: _Node, body: dict[str, Any], technical: _Node | None = None) -> None:
        response = body.get("response")
        meta: dict[str, Any] = response if isinstance(response, dict) else {}
        group.raw = response
        labels = {
            "status_code": _("Status code"),
            "message": _("Message"),
            "method": _("Method"),
            "uri": _("URI"),
            "format": _("Format"),
            "start_time": _("Answered at"),
            "total_time": _("Time taken"),
            "record_count": _("Records"),
            "total_count": _("Total count"),
        }
        for key, value in meta.items():
            label = labels.get(key, str(key))
            tooltip = ""
            if value is None:
                text = ""
            elif key == "start_time":
                moment = epoch_to_datetime(as_float(value))
                text = local_with_relative(moment, self._now) if moment else display_value(value)
                tooltip = format_utc(moment) if moment else ""
            elif key == "total_time":
                seconds = as_float(value)
                text = format_measured(seconds) if seconds is not None else display_value(value)
            else:
                text = display_value(value)
            plain = key in labels and not envelope_label(str(key)).technical
            target = group if technical is None or plain else technical
            target.add(_Node(target, label, mask_text(text), raw=value, key=str(key), tooltip=tooltip))
        for key, value in body.items():
            if key in ("response", "rows"):
                continue
            target = group if technical is None else technical
            target.add(_Node(target, str(key), mask_text(display_value(value)), raw=value, key=str(key)))

    def _problem_fields(self, group: _Node, report: StatusReport) -> None:
        def add(label: str, value: str, key: str = "", tooltip: str = "") -> None:
            if value:
                group.add(_Node(group, label, value, raw=value, key=key, tooltip=tooltip))

        add(_("Job id"), report.job_id, "job_id")
        add(_("Result"), report.label, "outcome")
        add(_("HTTP status"), "" if report.http_status is None else str(report.http_status), "http_status")
        # A "not found" envelope may carry a parseable time for when CINX answered; the check time is ours.
        add(
            _("Checked at"),
            local_with_relative(report.checked_at, self._now),
            "checked_at",
            tooltip=format_utc(report.checked_at),
        )
        if report.retry_after:
            add(_("Retry after"), format_measured(report.retry_after), "retry_after")
        # The technical detail (exception names, errno) is for support: it goes into "Copy for ticket" and the
        # log, not on screen.

    # --- QAbstractItemModel ---

    # Indexes carry an integer id looked up in ``_nodes``, not a pointer to the Python node: a pointer would
    # dangle once a reset frees the old nodes while a view or a persistent index still holds it.
    def _make_index(self, row: int, column: int, node: _Node) -> QModelIndex:
        if not node.uid:
            self._next_uid += 1
            node.uid = self._next_uid
            self._nodes[node.uid] = node
        return self.createIndex(row, column, node.uid)

    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        return self._nodes.get(int(index.internalId()), self._stale)

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column > 1 or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        node = self._node(parent)
        children = node.children
        if row >= len(children):
            return QModelIndex()
        return self._make_index(row, column, children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self._make_index(parent.row, 0, parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        if node.pending:
            return True
        if not node.is_loaded:
            return True  # a lazy row: it has fields (only non-empty rows are made lazy)
        return bool(node.children)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        return bool(self._node(parent).pending)

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() and parent.column() != 0:
            return
        node = self._node(parent)
        if not node.pending:
            return
        batch, node.pending = node.pending[:OTHER_ROWS_BATCH], node.pending[OTHER_ROWS_BATCH:]
        first = len(node.children)
        self.beginInsertRows(parent, first, first + len(batch) - 1)
        for number, raw in batch:
            node.add(self._row_node(node, number, raw))
        self.endInsertRows()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == FIELD_COLUMN:
                return _("Field")
            if section == VALUE_COLUMN:
                return _("Value")
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return node.field if column == FIELD_COLUMN else node.value
        if role == Qt.ItemDataRole.ToolTipRole:
            # Plain text: the result pane's delegate shows every tooltip escaped (plain_tooltip).
            if column == VALUE_COLUMN and node.tooltip:
                return node.tooltip
            if column == FIELD_COLUMN and node.key and node.key != node.field:
                return node.key
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            # A screen reader reads a row's cells in turn: "Status:" then "200 — Processed" reads as one
            # sentence; the whole sentence on both cells read it twice.
            if column == FIELD_COLUMN:
                return f"{node.field}:" if node.value else node.field
            return node.value
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            # A reader on one cell only still hears the whole row.
            return f"{node.field}: {node.value}" if node.value else node.field
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if node.parent is self._root else None
        if role == RawValueRole:
            return node.raw
        if role == CopyTextRole:
            return (
                f"{node.field}: {node.value}" if node.value or node.parent is not self._root else node.field
            )
        if role == KeyRole:
            return node.key
        if role == ElidedRole:
            return node.elided
        if role == FullTextRole:
            return self.full_text(index)
        if role == GroupRole:
            return node.group
        return None

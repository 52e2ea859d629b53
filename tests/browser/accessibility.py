"""The accessibility gate: axe-core run in the page, failing on any serious or critical violation.

axe-core comes vendored in axe-playwright-python (pinned in requirements-dev.txt; it bundles axe-core 4.12.1):
a pip install, no npm or network at test time, and one version for everyone. Browser tests call
`assert_accessible(page, "what state this is")` at each state they reach; the `page` fixture also audits
the state a test ends in.

Violations in markup the app doesn't write (Django's admin) are accepted in `ACCEPTED` below, each with its
reason, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe

GATED_IMPACTS = frozenset({"serious", "critical"})


@dataclass(frozen=True)
class Accepted:
    rule: str
    url_part: str  # the violation is accepted only on pages whose URL contains this
    reason: str


ACCEPTED: tuple[Accepted, ...] = ()

_axe = Axe()


def _accepted(rule: str, url: str) -> bool:
    return any(entry.rule == rule and entry.url_part in url for entry in ACCEPTED)


def violations(page) -> list[str]:
    """Serious and critical violations on the page as it stands, one line per element, minus the accepted ones."""
    results = _axe.run(page).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in GATED_IMPACTS or _accepted(violation["id"], page.url):
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = node["failureSummary"].splitlines()[-1].strip()
            found.append(f"{violation['id']} ({violation['impact']}): {target} — {summary}")
    return found


def assert_accessible(page, state: str) -> None:
    found = violations(page)
    assert not found, f"axe-core found serious or critical violations ({state}, {page.url}):\n" + "\n".join(found)

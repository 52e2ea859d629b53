"""The accessibility gate: axe-core run in the page, failing on any serious or critical violation.

axe-core comes vendored in axe-playwright-python (pinned in requirements-dev.txt; it bundles axe-core 4.12.1):
a pip install, no npm or network at test time, and one version for everyone. Browser tests call
`assert_accessible(page, "what state this is")` at each state they reach; the `page` fixture also audits
the state a test ends in.

Violations in markup the app doesn't write (Django's admin and its select2 widget) are accepted in `ACCEPTED`
below, each with its reason, for one rule on the elements of one kind on the pages of one URL, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe

GATED_IMPACTS = frozenset({"serious", "critical"})


@dataclass(frozen=True)
class Accepted:
    rule: str
    url_part: str  # the violation is accepted only on pages whose URL contains this
    target_part: str  # ... and only on elements whose axe selector contains this
    reason: str


ACCEPTED: tuple[Accepted, ...] = (
    Accepted(
        "label",
        "/admin/library/item/",
        ".select2-search__field",
        "select2's search box in the tags autocomplete (Django's autocomplete_fields widget) has no label; the "
        "select it stands for is labelled, and the markup is the vendored select2's.",
    ),
    Accepted(
        "list",
        "/admin/library/item/",
        ".select2-selection--multiple",
        "select2 draws the chosen tags as a <ul> holding a <span> (its own markup, Django's vendored copy).",
    ),
    Accepted(
        "link-in-text-block",
        "/admin/",
        ".breadcrumbs",
        "Django's admin CSS draws the breadcrumb links without an underline, in a colour close to the text's.",
    ),
)

_axe = Axe()


def _accepted(rule: str, url: str, target: str) -> bool:
    return any(entry.rule == rule and entry.url_part in url and entry.target_part in target for entry in ACCEPTED)


def violations(page) -> list[str]:
    """Serious and critical violations on the page as it stands, one line per element, minus the accepted ones."""
    # axe is injected once per document, not once per run: a page is audited at two widths.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe.axe_script)
    # On the admin's change pages axe's CSS preload (for css-orientation-lock) parses some of Django's stylesheets
    # by adding <style> elements, which the Content-Security-Policy blocks; the admin's CSS isn't ours, so it is
    # skipped there. Our pages' sheets preload under the policy.
    preload = "false" if "/admin/" in page.url else "true"
    results = page.evaluate(f"axe.run(document, {{resultTypes: ['violations'], preload: {preload}}})")
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in GATED_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            if _accepted(violation["id"], page.url, target):
                continue
            summary = node["failureSummary"].splitlines()[-1].strip()
            found.append(f"{violation['id']} ({violation['impact']}): {target} — {summary}")
    return found


def assert_accessible(page, state: str) -> None:
    found = violations(page)
    assert not found, f"axe-core found serious or critical violations ({state}, {page.url}):\n" + "\n".join(found)

"""Scope rules that can be stated as code (docs/scope.md): who must stand behind a core incident, and
who must vouch for a plot."""
from __future__ import annotations

from .problems import Problem
from .rules import plain_rows

ISLAMIC_STATE = "ACT-0001"  # the root of the Islamic State family of actors: its provinces and media are its descendants
PERPETRATOR_ROLES = {"perpetrator", "suspected_perpetrator", "directing_entity"}
BLAMING_STANCES = {"asserts", "suspects"}
SECURITY_APPARATUS = {"security_service", "government_body", "military"}  # who can be a plot's only, unverified account


def islamic_state_family(actors) -> set[str]:
    """ACT-0001 and every actor whose parent chain leads to it."""
    parent = {row["actor_id"]: row["parent_actor_id"] for row in plain_rows(actors[["actor_id", "parent_actor_id"]])}
    family = set()
    for actor in parent:
        seen, node = set(), actor
        while node is not None and node not in seen:
            if node == ISLAMIC_STATE:
                family.add(actor)
                break
            seen.add(node)
            node = parent.get(node)
    return family


def _active(frame):
    return frame[frame["status"] == "active"] if "status" in frame else frame


def scope_problems(frames: dict, lines: dict) -> list[Problem]:
    needed = ("incidents", "actors", "incident_actors", "claims", "attributions")
    if any(frames.get(t) is None for t in needed):
        return []
    family = islamic_state_family(frames["actors"])
    links = plain_rows(frames["incident_actors"])
    tied = {r["incident_id"] for r in links if r["role"] in PERPETRATOR_ROLES and r["actor_id"] in family}
    tied |= {r["incident_id"] for r in plain_rows(_active(frames["claims"])) if r["claimant_actor_id"] in family}
    tied |= {r["incident_id"] for r in plain_rows(_active(frames["attributions"]))
             if r["attributed_actor_id"] in family and r["stance"] in BLAMING_STANCES}
    reporting = {}
    for r in links:
        if r["role"] == "reporting_body":
            reporting.setdefault(r["incident_id"], set()).add(r["actor_id"])
    actor_type = dict(zip(frames["actors"]["actor_id"], frames["actors"]["actor_type"]))

    problems = []
    for i, row in enumerate(plain_rows(frames["incidents"])):
        if row["status"] != "active":
            continue
        line, iid = lines["incidents"][i], row["incident_id"]
        if row["scope"] == "core" and iid not in tied:
            problems.append(Problem("incidents", line, "scope", "core",
                                    "a core incident needs the Islamic State or one of its provinces as perpetrator, claimant or attributed party",
                                    "link it in incident_actors, claims or attributions, or set scope to context", "scope-core"))
        plot = row["incident_type"] == "foiled_plot"
        if plot and not reporting.get(iid):
            problems.append(Problem("incidents", line, "incident_type", "foiled_plot",
                                    "a foiled plot must name who says it existed",
                                    "add a row to incident_actors with role reporting_body (a security service, prosecutor or court)",
                                    "plot-reporting-body"))
        if plot and row["security_service_only"] is None:
            problems.append(Problem("incidents", line, "security_service_only", None,
                                    "a foiled plot must say whether a security service is its only account",
                                    "write true if only a security service reports the plot, false if a court, prosecutor or independent source does",
                                    "plot-account"))
        if row["incident_type"] == "attack" and row["security_service_only"] is not None:
            problems.append(Problem("incidents", line, "security_service_only", "true" if row["security_service_only"] else "false",
                                    "applies to plots and failed attacks only", "leave it empty for an attack", "plot-account"))
        if plot and row["security_service_only"] is True and not any(
                actor_type.get(a) in SECURITY_APPARATUS for a in reporting.get(iid, ())):
            problems.append(Problem("incidents", line, "security_service_only", "true",
                                    "the plot is marked security-service-only but its reporting body is not a security "
                                    "service or the authority commanding one",
                                    "link the security service in incident_actors with role reporting_body, or set false "
                                    "if a court or independent source reports the plot", "plot-account"))
    return problems

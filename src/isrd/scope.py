"""Scope rules that can be stated as code (docs/scope.md): who must stand behind a core incident, and
who must vouch for a plot; and the actor hierarchy they rest on, which must have no cycle."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .checks import Finding, as_array, finding
from .rules import active

ISLAMIC_STATE = "ACT-0001"  # the root of the Islamic State family of actors: its provinces and media are its descendants
PERPETRATOR_ROLES = ["perpetrator", "suspected_perpetrator", "directing_entity"]
BLAMING_STANCES = ["asserts", "suspects"]
SECURITY_APPARATUS = ["security_service", "government_body", "military"]  # who can be a plot's only, unverified account


def hierarchy(actor_ids: list, parents: list) -> tuple[set[str], set[str]]:
    """The Islamic State family (ACT-0001 and every actor whose parent chain leads to it), and the actors
    whose parent chain loops back on itself."""
    parent = {a: p for a, p in zip(actor_ids, parents) if a is not None}
    family, looped, settled = set(), set(), {}
    for actor in parent:
        path, node = [], actor
        while node is not None and node not in settled and node not in path:
            path.append(node)
            node = parent.get(node)
        if node is not None and node in path:  # a cycle: every actor on it
            looped.update(path[path.index(node):])
            verdict = False
        else:
            verdict = settled.get(node, False) if node is not None else False
        for n in reversed(path):
            verdict = verdict or n == ISLAMIC_STATE
            settled[n] = verdict and n not in looped
    family = {a for a, v in settled.items() if v}
    return family, looped


NEEDED = {"actors": {"actor_id", "parent_actor_id", "actor_type"},
          "incidents": {"incident_id", "status", "incident_type", "security_service_only", "scope"},
          "incident_actors": {"incident_id", "actor_id", "role"},
          "claims": {"incident_id", "claimant_actor_id", "status"},
          "attributions": {"incident_id", "attributed_actor_id", "stance", "status"}}


def _usable(tables: dict, name: str):
    """The table if it was read with every column these rules need (else its header problem says why)."""
    t = tables.get(name)
    return t if t is not None and NEEDED[name] <= set(t.column_names) else None


def scope_findings(tables: dict) -> list[Finding]:
    incidents, actors, links = (_usable(tables, n) for n in ("incidents", "actors", "incident_actors"))
    claims, attributions = _usable(tables, "claims"), _usable(tables, "attributions")
    out = []
    if actors is None:
        return out
    ids = actors.column("actor_id")
    family, looped = hierarchy(ids.to_pylist(), actors.column("parent_actor_id").to_pylist())
    f = finding("actors", pc.is_in(ids, pa.array(sorted(looped), pa.string())), "parent_actor_id",
                "the actor's parent chain comes back to itself (an actor cannot be its own parent or ancestor)",
                "correct parent_actor_id so that the chain ends at an actor with no parent", "parent-cycle",
                actors.column("parent_actor_id"))
    out += [f] if f else []
    if any(t is None for t in (incidents, links, claims, attributions)):
        return out
    fam = pa.array(sorted(family), pa.string())
    tied = [pc.filter(links.column("incident_id"), pc.and_(pc.is_in(links.column("role"), pa.array(PERPETRATOR_ROLES)),
                                                           pc.is_in(links.column("actor_id"), fam))),
            pc.filter(claims.column("incident_id"), pc.and_(active(claims), pc.is_in(claims.column("claimant_actor_id"), fam))),
            pc.filter(attributions.column("incident_id"),
                      pc.and_(active(attributions), pc.and_(pc.is_in(attributions.column("attributed_actor_id"), fam),
                                                            pc.is_in(attributions.column("stance"), pa.array(BLAMING_STANCES)))))]
    tied = pa.concat_arrays([c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in tied])
    reporting = pc.equal(links.column("role"), "reporting_body")
    reporters = pc.filter(links.column("incident_id"), reporting)
    apparatus_ids = pc.filter(ids, pc.is_in(actors.column("actor_type"), pa.array(SECURITY_APPARATUS)))
    vouched = pc.filter(links.column("incident_id"), pc.and_(reporting, pc.is_in(links.column("actor_id"), as_array(apparatus_ids))))

    iid = incidents.column("incident_id")
    live = active(incidents)
    kind = incidents.column("incident_type")
    plot = pc.fill_null(pc.equal(kind, "foiled_plot"), False)
    attack = pc.fill_null(pc.equal(kind, "attack"), False)
    only = incidents.column("security_service_only")
    core = pc.fill_null(pc.equal(incidents.column("scope"), "core"), False)

    def add(mask, column, message, hint, kind_, shown=None):
        f = finding("incidents", pc.and_(live, mask), column, message, hint, kind_, shown)
        out.extend([f] if f else [])

    add(pc.and_(core, pc.invert(pc.is_in(iid, tied))), "scope",
        "a core incident needs the Islamic State or one of its provinces as perpetrator, claimant or attributed party",
        "link it in incident_actors, claims or attributions, or set scope to context", "scope-core", incidents.column("scope"))
    said = pa.concat_arrays([as_array(pc.filter(claims.column("incident_id"), active(claims))),
                             as_array(pc.filter(attributions.column("incident_id"), active(attributions)))])
    add(pc.and_(core, pc.invert(pc.is_in(iid, said))), "scope",
        "a core incident needs at least one claim or attribution: who claimed it, or who said who did it",
        "add the claim (data/claims.csv) or the attribution (data/attributions.csv) with its citation; if no one "
        "claimed it and no one named a perpetrator, it is outside ISRD's scope: retract it with the reason",
        "core-claim-or-attribution", incidents.column("scope"))
    add(pc.and_(plot, pc.invert(pc.is_in(iid, as_array(reporters)))), "incident_type", "a foiled plot must name who says it existed",
        "add a row to incident_actors with role reporting_body (a security service, prosecutor or court)",
        "plot-reporting-body", kind)
    # the role says who reports a plot; on an attack, what a body said belongs in attributions
    link_kind = pc.take(kind, pc.index_in(links.column("incident_id"), value_set=as_array(iid)))  # unknown: null
    misplaced = pc.and_(reporting, pc.fill_null(pc.not_equal(link_kind, "foiled_plot"), False))
    f = finding("incident_actors", misplaced, "role", "reporting_body is the role of whoever reports a foiled plot, "
                "and this incident is not one", "remove the row; if the body said who was responsible, record that in "
                "data/attributions.csv", "reporting-body-role", links.column("role"))
    out += [f] if f else []
    add(pc.and_(plot, pc.is_null(only)), "security_service_only",
        "a foiled plot must say whether a security service is its only account",
        "write true if only a security service reports the plot, false if a court, prosecutor or independent source does",
        "plot-account")
    shown_only = pc.cast(only, pa.string())
    add(pc.and_(attack, pc.is_valid(only)), "security_service_only", "applies to plots and failed attacks only",
        "leave it empty for an attack", "plot-account", shown_only)
    add(pc.and_(pc.and_(plot, pc.fill_null(only, False)), pc.invert(pc.is_in(iid, as_array(vouched)))), "security_service_only",
        "the plot is marked security-service-only but its reporting body is not a security service or the authority "
        "commanding one", "link the security service in incident_actors with role reporting_body, or set false "
        "if a court or independent source reports the plot", "plot-account", shown_only)
    return out


def islamic_state_family(actors) -> set[str]:
    """ACT-0001 and its descendants, from a pandas actors table (for analyses on loaded frames)."""
    import pandas as pd

    return hierarchy(list(actors["actor_id"]), [None if pd.isna(p) else p for p in actors["parent_actor_id"]])[0]

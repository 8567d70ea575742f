"""`isrd sources check`: is each source still online, and does its page still hold the quotes cited from it?

Links rot and pages get edited; a dataset whose evidence is quotes must notice. Each active source with an
address is fetched once (httpx, through hishel's disk cache so that a rerun within --max-age days asks
nothing of the outlet), a few at a time and never two requests to one host closer than --interval seconds.
The article text is extracted with trafilatura and each active citation's quote is looked for in it
(case, spacing, quote marks and dashes ignored); when the extractor drops a passage, the page's whole
text is tried before a quote is reported missing. Nothing here runs in `isrd validate`: it needs the
network, and its answers change with the outside world.
"""
from __future__ import annotations

import html
import re
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

USER_AGENT = "isrd-sources-check/1 (+https://github.com/isrd-dataset/isrd; checks that cited pages still hold their quotes)"


@dataclass
class SourceResult:
    source_id: str
    url: str
    status: int | None = None  # HTTP status of the final response; None when nothing came back
    error: str = ""  # why the page could not be read
    missing: list[str] = field(default_factory=list)  # citation ids whose quote is not on the page
    checked: int = 0  # quotes looked for
    from_cache: bool = False

    @property
    def dead(self) -> bool:
        return bool(self.error) or self.status is None or self.status >= 400


def normalise(text: str) -> str:
    """Text as compared: NFKC, case-folded, one kind of quote mark and dash, spaces collapsed."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u2032`´]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]", '"', text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u00ad\u200b\u200c\u200d\ufeff]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def page_texts(body: str) -> list[str]:
    """The article's text (trafilatura), then the page's whole text as a fallback, both normalised."""
    import trafilatura

    out = []
    article = trafilatura.extract(body, favor_recall=True, include_comments=False, include_tables=True)
    if article:
        out.append(normalise(article))
    whole = re.sub(r"(?is)<(script|style|noscript)\b.*?</\1>", " ", body)
    out.append(normalise(re.sub(r"(?s)<[^>]+>", " ", whole)))
    return out


def quote_on_page(quote: str, texts: list[str]) -> bool:
    wanted = normalise(quote)
    return bool(wanted) and any(wanted in t for t in texts)


class _Polite:
    """At most one request to a host every `interval` seconds, across threads."""

    def __init__(self, interval: float):
        self.interval, self.lock, self.next_at = interval, threading.Lock(), {}

    def wait(self, host: str) -> None:
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at.get(host, 0.0))
            self.next_at[host] = at + self.interval
        if at > now:
            time.sleep(at - now)


def _client(cache: Path | None, max_age_days: float, timeout: float):
    import httpx

    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
    if cache is None:
        return httpx.Client(headers=headers, timeout=timeout, follow_redirects=True)
    from hishel import SqliteStorage
    from hishel.httpx import CacheTransport

    cache.mkdir(parents=True, exist_ok=True)
    storage = SqliteStorage(database_path=cache / "pages.sqlite", default_ttl=max_age_days * 86400)
    transport = CacheTransport(next_transport=httpx.HTTPTransport(), storage=storage)
    return httpx.Client(headers=headers, timeout=timeout, follow_redirects=True, transport=transport)


def check_sources(path=None, only: list[str] | None = None, cache: str | Path | None = None, workers: int = 4,
                  interval: float = 2.0, timeout: float = 20.0, max_age_days: float = 7.0,
                  progress=None) -> list[SourceResult]:
    """Fetch every active source with an address (or those in `only`) and look for its active quotes."""
    from .load import load

    sources = load("sources", path)
    citations = load("citations", path)
    quotes: dict[str, list[tuple[str, str]]] = {}
    for cid, sid, quote in zip(citations["citation_id"], citations["source_id"], citations["quote"]):
        quotes.setdefault(sid, []).append((cid, quote))
    todo = [(sid, url) for sid, url in zip(sources["source_id"], sources["url"])
            if isinstance(url, str) and url and (not only or sid in only)]
    polite, local = _Polite(interval), threading.local()
    cache_dir = Path(cache) if cache else None
    clients, clients_lock = [], threading.Lock()

    def one(item) -> SourceResult:
        sid, url = item
        result = SourceResult(sid, url)
        if not hasattr(local, "client"):
            local.client = _client(cache_dir, max_age_days, timeout)
            with clients_lock:
                clients.append(local.client)
        try:
            polite.wait(urlsplit(url).hostname or "")
            response = local.client.get(url)
            result.status = response.status_code
            result.from_cache = bool((response.extensions.get("caching") or {}).get("from_cache"))
            if response.status_code < 400:
                texts = page_texts(response.text)
                for cid, quote in quotes.get(sid, []):
                    result.checked += 1
                    if not quote_on_page(quote, texts):
                        result.missing.append(cid)
        except Exception as exc:  # noqa: BLE001 - every failure to fetch is a finding about the link
            result.error = f"{type(exc).__name__}: {exc}".strip()[:200]
        if progress:
            progress(result)
        return result

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(one, todo))
    finally:
        for c in clients:
            c.close()


def render(results: list[SourceResult]) -> str:
    """One line per dead link and per missing quote, then the counts."""
    lines = []
    for r in results:
        if r.dead:
            lines.append(f"{r.source_id} {r.url}: dead link ({r.error or f'HTTP {r.status}'})")
        for cid in r.missing:
            lines.append(f"{cid} ({r.source_id} {r.url}): the quote is no longer on the page")
    dead = sum(r.dead for r in results)
    missing = sum(len(r.missing) for r in results)
    checked = sum(r.checked for r in results)
    lines.append(f"{len(results)} sources fetched: {dead} dead; {checked} quotes looked for, {missing} not found")
    return "\n".join(lines)

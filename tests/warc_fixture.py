"""Builds fixtures/warc/valley-times-crawl.warc.gz, a small crawl shaped like what wget --warc or a
Heritrix/Browsertrix job writes: warcinfo, a request before each response, an http->https redirect, an
image, a gzip-encoded article and a plain one. Run once (python tests/warc_fixture.py); the output is kept."""

from __future__ import annotations

import gzip
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TARGET = Path(__file__).resolve().parent.parent / "fixtures" / "warc" / "valley-times-crawl.warc.gz"
SITE = "https://www.valleytimes.example"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} &ndash; The Valley Times</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T06:15:00-05:00">
<link rel="canonical" href="{url}"></head>
<body><header><a href="/">The Valley Times</a><nav><a href="/local">Local</a> <a href="/schools">Schools</a>
<a href="/opinion">Opinion</a> <a href="/obituaries">Obituaries</a></nav></header>
<main><article><h1>{title}</h1><p class="dateline">{date}</p>
{paragraphs}
</article>
<section class="newsletter">Get the Valley Times morning briefing in your inbox. <a href="/signup">Sign up</a></section>
</main><footer>&copy; The Valley Times. All rights reserved. <a href="/privacy">Privacy policy</a></footer>
</body></html>
"""

ARTICLES = [
    (
        "/local/2024/05/14/council-approves-protected-bike-lanes",
        "Council approves protected bike lanes for Harmon Avenue",
        "2024-05-14",
        [
            "The city council voted 6 to 3 on Monday night to fund protected bike lanes along two miles of "
            "Harmon Avenue, ending a debate that had filled three public hearings since February.",
            "The $3.8 million project will replace a row of curbside parking with concrete planters and a "
            "two-way cycle track between Fifth Street and the river bridge. Construction is set to begin in "
            "September and last about eight months.",
            "Council member Rosa Delgado, who proposed the plan, pointed to eleven crashes involving cyclists "
            "on the avenue last year. \u201cWe can keep counting injuries or we can build something that "
            "prevents them,\u201d she said.",
            "Several shop owners on the avenue opposed the loss of parking and asked the council to phase the "
            "work so that deliveries would not be blocked during the holiday season. The final plan moves "
            "loading zones to side streets.",
        ],
    ),
    (
        "/schools/2024/05/20/north-valley-robotics-team-wins-regional",
        "North Valley robotics team wins regional championship",
        "2024-05-20",
        [
            "A team of nine students from North Valley High School won the regional robotics championship on "
            "Saturday with a machine that stacks plastic crates faster than any other entry in the state.",
            "The team, known as the Gearheads, built its robot over twelve weeks in a borrowed shop classroom, "
            "using parts paid for by a bake sale and a grant from a local credit union.",
            "Captain Priya Raman, a junior, said the turning point came in the semifinal, when the robot's "
            "arm jammed and two teammates rewired a motor controller in the four minutes between matches.",
            "The win qualifies North Valley for the national finals in Houston next month. The school board "
            "has agreed to pay for the team's travel, and parents are raising money for a spare drive motor.",
        ],
    ),
]


def _page(path: str, title: str, date: str, paragraphs: list[str]) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return PAGE.format(title=title, date=date, url=SITE + path, paragraphs=body).encode("utf-8")


def _response(writer: WARCWriter, url: str, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
    request = StatusAndHeaders(f"GET {urlsplit(url).path} HTTP/1.1", [("Host", urlsplit(url).netloc)])
    writer.write_record(writer.create_warc_record(url, "request", http_headers=request, payload=BytesIO(b"")))
    http = StatusAndHeaders(status, [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http))


def build(target: Path = TARGET) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(
            writer.create_warcinfo_record(target.name, {"software": "dedup fixture builder", "format": "WARC 1.0"})
        )
        _response(writer, "http://www.valleytimes.example/", "301 Moved Permanently", [("Location", SITE + "/")], b"")
        first_path, *first = ARTICLES[0]
        _response(
            writer,
            SITE + first_path,
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8")],
            _page(first_path, *first),
        )
        _response(
            writer,
            SITE + "/static/logo.png",
            "200 OK",
            [("Content-Type", "image/png")],
            b"\x89PNG\r\n\x1a\n" + bytes(64),
        )
        second_path, *second = ARTICLES[1]
        _response(
            writer,
            SITE + second_path,
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
            gzip.compress(_page(second_path, *second), mtime=0),
        )


if __name__ == "__main__":
    build()
    print(TARGET)

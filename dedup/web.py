"""Articles from the two forms scrapers save the web in: HTML pages and WARC archives.

trafilatura finds a page's main text, title and date (menus, comments, adverts and footers left out);
warcio reads WARC files, plain or gzipped, record by record. Both are imported on first use, so runs
over text and JSON never pay for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from .document import Document, Problem

HTML_SUFFIXES = frozenset({".html", ".htm"})
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_DRAIN = 1 << 16
_TRAILER = 4  # an uncompressed WARC ends each record with two CRLFs, not counted in its length


def is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def html_document(
    doc_id: str, page: bytes, where: str, on_problem: Callable[[Problem], None], url: str | None = None
) -> Document | None:
    """The article in one HTML page, or None (reported) when the page holds no article text.
    trafilatura detects the page's encoding (meta charset, then content) and inflates gzipped bodies."""
    import trafilatura

    extracted = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False)
    text, date, title, found_url = (getattr(extracted, key, None) for key in ("text", "date", "title", "url"))
    if not text or not text.strip():
        on_problem(Problem(where, "no article text found in the HTML"))
        return None
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return Document(
        doc_id,
        "\n\n".join(paragraphs),  # one block per paragraph, as the rest of dedup expects
        date=date or None,
        title=title or None,
        url=found_url or url,
    )


def iter_warc(
    stream: IO[bytes], name: str, on_problem: Callable[[Problem], None], size: int | None = None
) -> Iterator[Document]:
    """One document per successful HTML response record, its id the record's WARC-Target-URI.
    Requests, redirects, images and other records are passed over. A truncated or damaged record is
    reported, and reading stops there: nothing after it can be trusted. `size` (the file's length in
    bytes) lets a file cut off inside a record's headers be noticed too."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(stream)
    number, end = 0, 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as damage:  # warcio raises assorted errors on damaged input; each means "stop here"
            on_problem(Problem(f"{name} record {number + 1}", f"damaged WARC record: {damage}"))
            return
        number += 1
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        where = f"{name} record {number}" + (f" ({uri})" if uri else "")
        declared = record.rec_headers.get_header("Content-Length") or ""
        if not declared.isdigit():
            on_problem(Problem(where, "truncated WARC record: no Content-Length"))
            return
        body = _body(record, where, on_problem) if _is_article_response(record) else None
        while record.raw_stream.read(_DRAIN):
            pass  # read the rest to learn whether the record is complete
        missing = getattr(record.raw_stream, "limit", 0)
        if missing:
            on_problem(Problem(where, f"truncated WARC record: {missing} of {declared} bytes missing"))
            return
        end = records.get_record_offset() + records.get_record_length()
        if body is not None:
            document = html_document(uri, body, where, on_problem, url=uri)
            if document is not None:
                yield document
    if size is not None and size - end > _TRAILER:
        on_problem(
            Problem(f"{name} record {number + 1}", f"truncated WARC file: {size - end} bytes after the last record")
        )
    elif number == 0:
        on_problem(Problem(name, "no WARC records"))


def _is_article_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and content_type.startswith(HTML_TYPES)


def _body(record: Any, where: str, on_problem: Callable[[Problem], None]) -> bytes | None:
    """The payload with chunked transfer and content encodings undone; None (reported) if they cannot be."""
    try:
        return record.content_stream().read()
    except Exception as damage:  # a body that claims gzip and is not; the caller still reads the record to its end
        on_problem(Problem(where, f"cannot decode the HTTP body: {damage}"))
        return None

"""HTML pages, WARC archives, --files-from lists, and the bad-input rules for each."""

from __future__ import annotations

import gzip
import io
import json

from dedup.document import Problem
from dedup.reading import paths_from
from dedup.web import iter_warc

from .conftest import CRAWL, FIXTURES, LIBRARY_PAGE, STORM_PAGE, read

BIKE_LANES = "https://www.valleytimes.example/local/2024/05/14/council-approves-protected-bike-lanes"
ROBOTICS = "https://www.valleytimes.example/schools/2024/05/20/north-valley-robotics-team-wins-regional"


def test_html_page_gives_article_text_title_date_and_url_without_site_chrome():
    (page,), problems = read(STORM_PAGE)
    assert problems == []
    assert page.id == str(STORM_PAGE)
    assert page.title == "Storm closes Port Ellery for two days, strands cargo ships"
    assert page.date == "2023-10-18"
    assert page.url == "https://www.coastherald.example/news/2023/10/18/storm-closes-port-ellery"
    assert "gusts reached 110 kilometres an hour" in page.text
    assert "advised residents to stay away from the sea wall" in page.text
    for chrome in ("cookies", "Subscribe", "Most read", "All rights reserved", "Advertisement"):
        assert chrome not in page.text
    assert len(page.text.split("\n\n")) >= 6  # one block per paragraph


def test_htm_page_in_a_legacy_charset_is_decoded_by_its_meta_tag():
    (page,), problems = read(LIBRARY_PAGE)
    assert problems == []
    assert page.date == "2024-03-02"
    assert "small café run by volunteers" in page.text
    assert "£4.2 million" in page.text
    assert "children’s wing" in page.text
    assert "Lovely to have it back" not in page.text  # reader comments are not the article


def test_broken_html_page_is_reported_by_name_and_the_run_goes_on(tmp_path):
    broken = tmp_path / "cut-off.html"
    broken.write_bytes(STORM_PAGE.read_bytes()[:900])  # the download stopped inside <head>
    documents, problems = read(broken, LIBRARY_PAGE)
    assert [d.id for d in documents] == [str(LIBRARY_PAGE)]
    assert [(p.where, p.skipped) for p in problems] == [(str(broken), True)]
    assert "no article text" in problems[0].what


def test_warc_gives_one_document_per_html_response_keyed_by_target_uri():
    documents, problems = read(CRAWL)
    assert problems == []
    assert [d.id for d in documents] == [BIKE_LANES, ROBOTICS]  # not the redirect, the image or the requests
    bike, robotics = documents
    assert bike.title == "Council approves protected bike lanes for Harmon Avenue"
    assert bike.date == "2024-05-14"
    assert bike.url == BIKE_LANES
    assert "voted 6 to 3 on Monday night" in bike.text
    assert "morning briefing" not in bike.text
    assert "stacks plastic crates" in robotics.text  # this body was gzip content-encoded


def test_uncompressed_warc_reads_the_same(tmp_path):
    plain = tmp_path / "crawl.warc"
    plain.write_bytes(gzip.decompress(CRAWL.read_bytes()))
    documents, problems = read(plain)
    assert problems == []
    assert [d.id for d in documents] == [BIKE_LANES, ROBOTICS]


def test_truncated_warc_reports_file_and_record_keeps_what_came_before_and_goes_on(tmp_path):
    data = gzip.decompress(CRAWL.read_bytes())
    cut = len(data) - 300  # inside the last response's body (about 900 bytes of gzip)
    truncated = tmp_path / "interrupted.warc"
    truncated.write_bytes(data[:cut])
    documents, problems = read(truncated, LIBRARY_PAGE)
    assert [d.id for d in documents] == [BIKE_LANES, str(LIBRARY_PAGE)]
    (problem,) = problems
    assert problem.where == f"{truncated} record 9 ({ROBOTICS})"
    assert problem.what.startswith("truncated WARC record")


def test_warc_cut_inside_record_headers_is_reported(tmp_path):
    data = CRAWL.read_bytes()
    plain = gzip.decompress(data)
    for name, cut in (
        ("headers.warc", plain.index(b"Content-Length", plain.index(ROBOTICS.encode())) + 3),
        ("tail.warc", plain.rindex(b"WARC/1.0") + 20),
    ):
        path = tmp_path / name
        path.write_bytes(plain[:cut])
        documents, problems = read(path)
        assert [d.id for d in documents] == [BIKE_LANES], name
        assert len(problems) == 1, name
        assert problems[0].where.startswith(f"{path} record "), name
        assert "truncated" in problems[0].what, name


def test_warc_stream_that_is_not_a_warc_is_reported():
    problems: list[Problem] = []
    assert list(iter_warc(io.BytesIO(b"<html>not an archive</html>"), "x.warc", problems.append)) == []
    assert len(problems) == 1 and problems[0].where.startswith("x.warc")


def test_json_record_without_text_is_reported_by_file_and_record_and_the_run_goes_on(tmp_path):
    array = tmp_path / "articles.json"
    array.write_text(json.dumps([{"id": "x", "body": "elsewhere"}, {"id": "y", "text": "Some text here."}]))
    documents, problems = read(array)
    assert [d.id for d in documents] == ["y"]
    assert [p.where for p in problems] == [f"{array}[0]"]
    assert "no text" in problems[0].what


def test_folder_scan_reads_html_and_warc_alongside_text():
    documents, problems = read(FIXTURES)
    assert problems == []
    ids = [d.id for d in documents]
    assert str(STORM_PAGE) in ids and str(LIBRARY_PAGE) in ids and BIKE_LANES in ids
    assert len(ids) == 6


def test_paths_from_reads_lines_or_nul_separated_names():
    assert paths_from(io.BytesIO(b"a.txt\r\nwith space.txt\n\nlast.html")) == ["a.txt", "with space.txt", "last.html"]
    assert paths_from(io.BytesIO(b"new\nline.txt\0b.txt\0"), null=True) == ["new\nline.txt", "b.txt"]
    assert paths_from(io.BytesIO(b"")) == []

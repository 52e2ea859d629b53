"""Downloads never hand a spreadsheet a formula to run."""

from __future__ import annotations

import pytest

from studyapp.progress.exports import csv_response, spreadsheet_safe


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Trotsky", "Trotsky"),
        ("a = b", "a = b"),
        (-2, -2),  # a number is written as a number
        (None, None),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(cell, written):
    assert spreadsheet_safe(cell) == written


def test_the_csv_starts_with_a_bom_and_escapes_every_cell():
    response = csv_response("x.csv", ["name", "answer"], [["@ada", "=HYPERLINK(1)"], ["ben", "fine"]])

    body = b"".join(response.streaming_content).decode()

    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert body == "\ufeffname,answer\r\n'@ada,'=HYPERLINK(1)\r\nben,fine\r\n"

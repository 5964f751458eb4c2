"""Tests of roster reading (Canvas, Moodle, plain) and of matching student ids to roster rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.export.roster import Roster, RosterEntry, RosterError, match_roster, read_roster


def test_canvas_roster_skips_points_possible_and_keeps_ids(rosters: dict[str, Path]) -> None:
    roster = read_roster(rosters["canvas"])
    assert roster.kind == "canvas"
    assert [e.canvas_id for e in roster.entries] == ["101", "102", "103", "104", "106", "107", "108"]
    assert roster.entries[0] == RosterEntry(name="Doe, Jane", canvas_id="101", sis_user_id="S101",
                                            sis_login_id="jdoe", section="Section A")
    assert roster.entries[2].name == '=HYPERLINK("http://evil.example","pwn")'
    assert roster.assignment_columns == ("Homework 3 (4242)", "Quiz 1 (4243)")
    assert roster.canvas_column("homework 3") == "Homework 3 (4242)"
    assert roster.canvas_column("Homework 4", "hw4") is None


def test_canvas_roster_skips_muted_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Student,ID,SIS User ID,SIS Login ID,Section,HW (1)\n    Points Possible,,,,,10\n"
                    ",,,,,Manual Posting\nA,1,,a,S,\n", encoding="utf-8")
    assert [e.name for e in read_roster(path).entries] == ["A"]


def test_moodle_and_plain_rosters(rosters: dict[str, Path]) -> None:
    moodle = read_roster(rosters["moodle"])
    assert moodle.kind == "moodle"
    assert moodle.entries[1] == RosterEntry(name="Jürgen Müller", email="jmuller@uni.example", id_number="S102")
    plain = read_roster(rosters["plain"])
    assert plain.kind == "plain"
    assert plain.entries[0] == RosterEntry(name="O'Brien, Pat", email="pobrien@uni.example", student="pobrien")


@pytest.mark.parametrize("text", ["", "foo,bar\n1,2\n"])
def test_unknown_or_empty_roster_is_an_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError, match="r.csv"):
        read_roster(path)


def test_missing_roster_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="not found"):
        read_roster(tmp_path / "nope.csv")


def _sub(student: str) -> dict[str, str]:
    return {"student": student, "submission": f"class/{student}.md"}


def test_matching_order_and_keys() -> None:
    roster = Roster("canvas", Path("r.csv"), (
        RosterEntry(name="Doe, Jane", canvas_id="101", sis_user_id="S101", sis_login_id="jdoe"),
        RosterEntry(name="Müller, Jürgen", canvas_id="102", sis_login_id="jm", email="juergen.m@uni.example"),
        RosterEntry(name="Lee, Ann", canvas_id="103"),
        RosterEntry(name="Lee, Ann", canvas_id="104"),
    ))
    subs = [_sub("S101"), _sub("Jürgen_Müller"), _sub("juergen.m"), _sub("Ann Lee"), _sub("nobody"), _sub("104")]
    found = match_roster(roster, subs)
    # S101 by SIS User ID; "Jürgen_Müller" by name and "juergen.m" by email local part both claim row 1.
    assert found.by_entry == {0: subs[0], 3: subs[5]}
    assert [s["student"] for s in found.unmatched] == ["Ann Lee", "nobody", "Jürgen_Müller", "juergen.m"]
    assert any("several roster rows by name" in w for w in found.warnings)
    assert any("matches 2 submissions" in w for w in found.warnings)


def test_name_matching_uses_sortable_and_plain_forms() -> None:
    roster = Roster("canvas", Path("r.csv"), (RosterEntry(name="Doe, Jane", canvas_id="1"),))
    for student in ("Jane Doe", "jane_doe", "DOE, JANE", "doejane", "JaneDoe"):
        assert match_roster(roster, [_sub(student)]).by_entry == {0: _sub(student)}

"""Deployment files of a portfolio: one folder per workload, written all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kickoff_tui.cli import main
from kickoff_tui.errors import KickoffError
from kickoff_tui.planning.deploy import FilesExist, write_file_sets

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = ROOT / "examples" / "portfolio.toml"
SESSION = ROOT / "examples" / "session-portfolio.toml"
FOLDERS = ["chat-assistant", "coding-agent", "ticket-classifier"]


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def deploy(capsys, out: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["deploy", str(PORTFOLIO), "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_existing_file_in_the_last_workloads_folder_writes_nothing(tmp_path, capsys):
    blocker = tmp_path / "coding-agent" / "kubernetes.yaml"
    blocker.parent.mkdir()
    blocker.write_text("mine\n", "utf-8")
    code, _, err = deploy(capsys, tmp_path)
    assert code == 2
    assert "coding-agent/kubernetes.yaml" in err and "nothing was written" in err
    assert files_under(tmp_path) == ["coding-agent/kubernetes.yaml"], "earlier workloads wrote files"
    assert blocker.read_text("utf-8") == "mine\n"
    # --force replaces it and writes every workload
    code, out, err = deploy(capsys, tmp_path, "--force")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == FOLDERS
    assert blocker.read_text("utf-8") != "mine\n"


def test_a_file_where_a_workload_folder_goes_writes_nothing(tmp_path, capsys):
    (tmp_path / "coding-agent").write_text("not a folder\n", "utf-8")
    code, _, err = deploy(capsys, tmp_path, "--force")
    assert code == 2 and "not a folder" in err and "nothing was written" in err
    assert files_under(tmp_path) == ["coding-agent"]


def test_a_portfolio_refuses_stdout(tmp_path, capsys):
    code, _, err = deploy(capsys, Path("-"))
    assert code == 2 and "one folder per workload" in err


def test_a_failure_part_way_removes_the_new_files(tmp_path, monkeypatch):
    import kickoff_tui.record.io as io

    real = io.atomic_write_text
    calls = {"n": 0}

    def flaky(path, text, **kwargs):  # noqa: ANN001, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 4:
            raise io.SaveFailed(Path(path), OSError(28, "No space left on device"))
        return real(path, text, **kwargs)

    monkeypatch.setattr(io, "atomic_write_text", flaky)
    sets = [(tmp_path / "a", {"one.txt": "1", "two.txt": "2"}), (tmp_path / "b", {"three.txt": "3", "four.txt": "4"})]
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("old", "utf-8")
    with pytest.raises(KickoffError, match="were removed.*1 overwritten"):
        write_file_sets(sets, force=True)
    assert files_under(tmp_path) == ["a/one.txt"]


def test_the_apps_deploy_writes_one_folder_per_workload_all_or_nothing(tmp_path):
    from kickoff_tui.app.controller import Controller
    from kickoff_tui.record import load_session

    controller = Controller()
    controller.session = load_session(SESSION)
    names = ["chat-assistant", "coding-agent", "ticket-classifier"]
    blocker = tmp_path / "coding-agent" / "README.md"
    blocker.parent.mkdir()
    blocker.write_text("mine\n", "utf-8")
    with pytest.raises(FilesExist) as err:
        controller.export_deployment(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in err.value.paths] == ["coding-agent/README.md"]
    assert files_under(tmp_path) == ["coding-agent/README.md"]
    written = controller.export_deployment(tmp_path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert {p.parent.name for p in written} == set(names)
    assert "name: chat-assistant" in (tmp_path / "chat-assistant" / "kubernetes.yaml").read_text("utf-8")


def test_the_options_reach_every_workload(tmp_path, capsys):
    import json

    code, out, err = deploy(capsys, tmp_path, "--keda", "--json")
    assert code == 0, err
    written = json.loads(out)["written"]
    assert {Path(p).parent.name for p in written} == set(FOLDERS)
    for folder in FOLDERS:
        assert "ScaledObject" in "".join(p.read_text("utf-8") for p in (tmp_path / folder).iterdir())
    code, _, err = deploy(capsys, tmp_path / "x", "--checkpoint", "org/weights")
    assert code == 2 and "one model per workload" in err and not (tmp_path / "x").exists()

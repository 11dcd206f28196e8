"""Tests of sandbox/images.py and sandbox/debootstrap.py: hashing, package lists, mirrors, builds."""

from __future__ import annotations

import io
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from docker import APIClient
from docker.errors import APIError, ImageNotFound

from sandbox import debootstrap
from sandbox.errors import SandboxError, SandboxUnavailable
from sandbox.images import (
    ACCOUNTS_STEP,
    LABEL_BASE,
    LABEL_CONTENT_HASH,
    LABEL_VERSION,
    ImagePlan,
    build_runner_image,
    image_status,
    parse_package_list,
    runner_image_plan,
)

REPO = Path(__file__).resolve().parents[2]
TEST_REPOSITORY = "grader-runner-test"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of runner/ and two small in-container trees, so tests never depend on the lead's files."""
    (tmp_path / "runner").mkdir()
    for name in ("packages.txt", "Dockerfile"):
        (tmp_path / "runner" / name).write_bytes((REPO / "sandbox" / "image" / name).read_bytes())
    (tmp_path / "incontainer").mkdir()
    (tmp_path / "incontainer" / "entry.py").write_text("print('entry')\n")
    (tmp_path / "harness" / "checks").mkdir(parents=True)
    (tmp_path / "harness" / "checks" / "html.py").write_text("CHECK = 'html'\n")
    (tmp_path / "harness" / "run.sh").write_text("#!/bin/sh\necho harness\n")
    return tmp_path


def plan_of(project: Path, repository: str = TEST_REPOSITORY) -> ImagePlan:
    trees = {"/opt/sandbox": project / "incontainer", "/opt/harness": project / "harness"}
    return runner_image_plan(project / "runner" / "packages.txt", trees, repository=repository)


# -- package lists ------------------------------------------------------------------------------


def test_package_list_skips_comments_and_blank_lines() -> None:
    text = "# tools\npython3\n\n  nodejs   # for node checks\npython3-pytest\n"
    assert parse_package_list(text) == ("python3", "nodejs", "python3-pytest")


def test_package_list_rejects_duplicates_naming_both_lines() -> None:
    expected = r"runner/packages.txt:4: 'python3' is listed twice \(first on line 1\)"
    with pytest.raises(SandboxError, match=expected):
        parse_package_list("python3\nnodejs\n# again:\npython3\n", "runner/packages.txt")


@pytest.mark.parametrize("line", ["python3 nodejs", "python3,nodejs", "Python3", "-x"])
def test_package_list_rejects_lines_that_are_not_one_package(line: str) -> None:
    with pytest.raises(SandboxError, match=r"packages.txt:2: .* is not a Debian package name"):
        parse_package_list(f"python3\n{line}\n")


def test_package_list_must_name_a_package() -> None:
    with pytest.raises(SandboxError, match="lists no packages"):
        parse_package_list("# nothing yet\n\n")


def test_the_shipped_package_list_has_what_the_checks_need() -> None:
    listed = (REPO / "sandbox" / "image" / "packages.txt").read_text()
    packages = parse_package_list(listed, "sandbox/image/packages.txt")
    for needed in ("python3", "python3-pytest", "python3-flask", "python3-bs4", "python3-html5lib",
                   "python3-tinycss2", "python3-requests", "nodejs", "chromium"):
        assert needed in packages
    assert "node-jsdom" not in packages  # dom checks run in Chromium too
    assert "ca-certificates" not in packages


# -- hashing ------------------------------------------------------------------------------------


def test_changing_a_harness_file_changes_the_runner_hash_but_not_the_base(project: Path) -> None:
    before = plan_of(project)
    (project / "harness" / "checks" / "html.py").write_text("CHECK = 'html, fixed'\n")
    after = plan_of(project)
    assert after.base_hash == before.base_hash
    assert after.content_hash != before.content_hash
    assert after.tag != before.tag


def test_changing_the_package_list_changes_both_hashes(project: Path) -> None:
    before = plan_of(project)
    with (project / "runner" / "packages.txt").open("a") as packages:
        packages.write("python3-yaml\n")
    after = plan_of(project)
    assert after.base_hash != before.base_hash
    assert after.content_hash != before.content_hash


def test_hash_ignores_the_order_of_trees_and_of_file_creation(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    (other / "harness" / "checks").mkdir(parents=True)
    (other / "harness" / "run.sh").write_text("#!/bin/sh\necho harness\n")  # created first this time
    (other / "harness" / "checks" / "html.py").write_text("CHECK = 'html'\n")
    (other / "incontainer").mkdir()
    (other / "incontainer" / "entry.py").write_text("print('entry')\n")
    packages = project / "runner" / "packages.txt"
    reversed_trees = {"/opt/harness": other / "harness", "/opt/sandbox": other / "incontainer"}
    assert runner_image_plan(packages, reversed_trees, repository=TEST_REPOSITORY) == plan_of(project)


def test_the_exec_bit_counts(project: Path) -> None:
    before = plan_of(project)
    (project / "harness" / "run.sh").chmod(0o755)
    after = plan_of(project)
    assert after.content_hash != before.content_hash
    assert [f.path for f in after.files if f.executable] == ["/opt/harness/run.sh"]


def test_bytecode_caches_are_not_part_of_the_image(project: Path) -> None:
    before = plan_of(project)
    (project / "harness" / "__pycache__").mkdir()
    (project / "harness" / "__pycache__" / "run.cpython-311.pyc").write_bytes(b"\0")
    assert plan_of(project) == before


def test_the_runner_dockerfile_builds_on_the_base_and_copies_each_tree(project: Path) -> None:
    plan = plan_of(project)
    assert plan.runner_dockerfile == (
        f"FROM {plan.base_tag}\n"
        "ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 HOME=/tmp\n"
        f"{ACCOUNTS_STEP}"
        "COPY opt/harness/ /opt/harness/\n"
        "COPY opt/sandbox/ /opt/sandbox/\n"
        "WORKDIR /work\n"
    )
    assert plan.base_tag == f"grader-base:{plan.base_hash[:12]}"
    assert plan.tag == f"{TEST_REPOSITORY}:{plan.content_hash[:12]}"


def test_build_commands_run_after_the_trees_are_copied_and_change_the_hash(project: Path) -> None:
    trees = {"/opt/sandbox": project / "incontainer", "/opt/harness": project / "harness"}
    packages = project / "runner" / "packages.txt"
    plan = runner_image_plan(packages, trees, repository=TEST_REPOSITORY, commands=("node -e 0",))
    assert plan.runner_dockerfile.endswith("COPY opt/sandbox/ /opt/sandbox/\nRUN node -e 0\nWORKDIR /work\n")
    assert plan.content_hash != plan_of(project).content_hash
    for bad in ("", "echo a\necho b"):
        with pytest.raises(SandboxError, match="one line of shell"):
            runner_image_plan(packages, trees, commands=(bad,))


def test_the_runner_layer_names_both_uids_and_strips_setuid_bits() -> None:
    assert ACCOUNTS_STEP.startswith("RUN set -e; ")
    assert "learner:x:61000:61000:" in ACCOUNTS_STEP and "grader:x:61001:61001:" in ACCOUNTS_STEP
    for group in ("'learner:x:61000:' >> /etc/group", "'grader:x:61001:' >> /etc/group"):
        assert group in ACCOUNTS_STEP
    assert "find / -xdev -type f -perm /6000 -exec chmod ug-s {} +" in ACCOUNTS_STEP


@pytest.mark.parametrize("directory", ["opt/sandbox", "/opt/../etc", "/opt/with space", "/"])
def test_container_folders_must_be_plain_absolute_paths(project: Path, directory: str) -> None:
    with pytest.raises(SandboxError, match="cannot hold a copied folder"):
        runner_image_plan(project / "runner" / "packages.txt", {directory: project / "harness"})


def test_a_missing_tree_is_reported_with_its_path(project: Path) -> None:
    with pytest.raises(SandboxError, match=r"nowhere: no such folder \(to copy to /opt/harness"):
        runner_image_plan(project / "runner" / "packages.txt", {"/opt/harness": project / "nowhere"})


# -- mirrors ------------------------------------------------------------------------------------

DEB822 = """\
Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Enabled: no

Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

ONE_LINE = """\
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://ftp.fr.debian.org/debian bookworm main
"""


def write_apt(tmp_path: Path, files: dict[str, str]) -> Path:
    apt = tmp_path / "apt"
    (apt / "sources.list.d").mkdir(parents=True)
    for name, text in files.items():
        (apt / name).write_text(text)
    return apt


def test_mirror_from_deb822_sources(tmp_path: Path) -> None:
    apt = write_apt(tmp_path, {"sources.list.d/debian.sources": DEB822})
    assert debootstrap.detect_mirror(apt) == "http://deb.debian.org/debian"


def test_mirror_from_one_line_sources_list(tmp_path: Path) -> None:
    apt = write_apt(tmp_path, {"sources.list": ONE_LINE})
    assert debootstrap.detect_mirror(apt) == "http://ftp.fr.debian.org/debian"


def test_sources_list_comes_before_sources_list_d(tmp_path: Path) -> None:
    apt = write_apt(tmp_path, {
        "sources.list": ONE_LINE, "sources.list.d/debian.sources": DEB822,
        "sources.list.d/other.list.disabled": "deb http://no.example/ bookworm main\n",
    })
    assert debootstrap.detect_mirror(apt) == "http://ftp.fr.debian.org/debian"


def test_no_mirror_for_the_suite(tmp_path: Path) -> None:
    apt = write_apt(tmp_path, {"sources.list": "deb http://deb.debian.org/debian trixie main\n"})
    assert debootstrap.detect_mirror(apt) is None


def test_a_given_mirror_wins_over_apts_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller passes GRADER_DEBIAN_MIRROR (config/ reads it): tests/config/test_settings.py."""
    monkeypatch.setattr(debootstrap, "detect_mirror", lambda: "http://deb.debian.org/debian")
    assert debootstrap.resolve_mirror() == "http://deb.debian.org/debian"
    assert debootstrap.resolve_mirror("file:///media/usb/debian") == "file:///media/usb/debian"


def test_no_mirror_at_all_tells_the_operator_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debootstrap, "detect_mirror", lambda: None)
    with pytest.raises(SandboxUnavailable, match="Set GRADER_DEBIAN_MIRROR"):
        debootstrap.resolve_mirror()


def test_debootstrap_needs_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: "/usr/sbin/debootstrap")
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    with pytest.raises(SandboxUnavailable, match="needs root"):
        debootstrap.check_prerequisites()


def test_debootstrap_missing_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="apt-get install debootstrap"):
        debootstrap.check_prerequisites()


# -- the build, against a fake engine -----------------------------------------------------------


class FakeEngine:
    """Records what is sent to the engine; knows the images it was given or built."""

    def __init__(self, *tags: str, failing: str = "") -> None:
        self.failing = failing
        self.images: dict[str, dict[str, Any]] = {
            tag: {"Id": f"sha256:{tag}", "Config": {"Labels": {}}} for tag in tags}
        self.builds: list[dict[str, Any]] = []
        self.tags: list[tuple[str, str, str]] = []

    def inspect_image(self, reference: str) -> dict[str, Any]:
        if reference not in self.images:
            raise ImageNotFound(f"No such image: {reference}")
        return self.images[reference]

    def build(self, *, fileobj: io.BytesIO, tag: str, labels: dict[str, str], **options: Any) -> Any:
        self.builds.append({"context": fileobj.read(), "tag": tag, "labels": labels, **options})
        if tag == self.failing:
            return iter([{"stream": "E: Unable to locate package python3-flask\n"},
                         {"error": "The command '/bin/sh -c apt-get update' returned a non-zero code: 100"}])
        self.images[tag] = {"Id": f"sha256:built-{tag}", "Config": {"Labels": labels}}
        return iter([{"stream": "Step 1/5 : FROM base\n"}, {"aux": {"ID": f"sha256:built-{tag}"}}])

    def tag(self, image: str, repository: str, tag: str, force: bool = False) -> bool:
        self.tags.append((image, repository, tag))
        [found] = {i["Id"]: i for i in self.images.values() if i["Id"] == image}.values()
        self.images[f"{repository}:{tag}"] = found
        return True

    def pull(self, repository: str, tag: str) -> str:
        raise APIError("no registry")


def test_builds_only_the_layer_when_the_base_exists(project: Path) -> None:
    plan = plan_of(project)
    engine = FakeEngine(plan.base_tag)
    messages: list[str] = []
    info = build_runner_image(engine, plan, progress=messages.append)  # type: ignore[arg-type]

    assert info.built and info.tag == plan.tag and info.content_hash == plan.content_hash
    [build] = engine.builds
    assert {k: v for k, v in build.items() if k != "context"} == {
        "tag": plan.tag, "network_mode": "none", "pull": False, "rm": True, "forcerm": True, "decode": True,
        "custom_context": True,
        "labels": {LABEL_CONTENT_HASH: plan.content_hash, LABEL_VERSION: build["labels"][LABEL_VERSION],
                   LABEL_BASE: plan.base_tag},
    }
    assert engine.tags == [(info.image_id, TEST_REPOSITORY, "current")]
    assert messages[0].startswith("checking") and messages[-1].startswith("done:")

    with tarfile.open(fileobj=io.BytesIO(build["context"])) as context:
        entries = {m.name: m for m in context.getmembers()}
        assert context.extractfile("Dockerfile").read().decode() == plan.runner_dockerfile  # type: ignore[union-attr]
    assert {name: oct(m.mode) for name, m in entries.items() if m.isfile()} == {
        "Dockerfile": "0o644", "opt/sandbox/entry.py": "0o644", "opt/harness/run.sh": "0o644",
        "opt/harness/checks/html.py": "0o644",
    }
    assert {name for name, m in entries.items() if m.isdir()} == {
        "opt", "opt/sandbox", "opt/harness", "opt/harness/checks"}
    assert all(m.uid == 0 and m.gid == 0 for m in entries.values())


def test_does_nothing_when_the_image_is_current(project: Path) -> None:
    plan = plan_of(project)
    engine = FakeEngine(plan.base_tag)
    build_runner_image(engine, plan)  # type: ignore[arg-type]
    engine.builds.clear()
    info = build_runner_image(engine, plan)  # type: ignore[arg-type]
    assert not info.built and engine.builds == []
    assert image_status(engine, plan) == "current"  # type: ignore[arg-type]


def test_status_is_stale_when_only_another_runner_is_current(project: Path) -> None:
    plan = plan_of(project)
    engine = FakeEngine(plan.base_tag)
    assert image_status(engine, plan) == "missing"  # type: ignore[arg-type]
    build_runner_image(engine, plan)  # type: ignore[arg-type]
    (project / "harness" / "run.sh").write_text("#!/bin/sh\necho changed\n")
    assert image_status(engine, plan_of(project)) == "stale"  # type: ignore[arg-type]


def test_registry_method_without_a_registry_says_to_use_debootstrap(project: Path) -> None:
    engine = FakeEngine()
    with pytest.raises(SandboxUnavailable, match="method 'debootstrap'"):
        build_runner_image(engine, plan_of(project), method="registry")  # type: ignore[arg-type]


def test_registry_method_builds_the_base_from_the_dockerfile(project: Path) -> None:
    plan = plan_of(project)
    engine = FakeEngine("debian:bookworm-slim")
    build_runner_image(engine, plan, method="registry")  # type: ignore[arg-type]
    base, layer = engine.builds
    assert base["tag"] == plan.base_tag and base["network_mode"] is None and base["pull"] is False
    with tarfile.open(fileobj=io.BytesIO(base["context"])) as context:
        assert sorted(context.getnames()) == ["Dockerfile", "packages.txt"]
        assert context.extractfile("packages.txt").read().decode() == plan.packages_text  # type: ignore[union-attr]
    assert layer["tag"] == plan.tag


def test_registry_build_failure_names_the_image_and_shows_the_log(project: Path) -> None:
    plan = plan_of(project)
    engine = FakeEngine("debian:bookworm-slim", failing=plan.base_tag)
    with pytest.raises(SandboxError, match=rf"(?s)Docker could not build {plan.base_tag}: .*non-zero.*"
                                           r"Unable to locate package"):
        build_runner_image(engine, plan, method="registry")  # type: ignore[arg-type]


def test_auto_falls_back_to_debootstrap_when_the_registry_build_fails(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_of(project)
    engine = FakeEngine("debian:bookworm-slim", failing=plan.base_tag)
    calls: list[dict[str, Any]] = []

    def fake_debootstrap(client: FakeEngine, packages: tuple[str, ...], repository: str, tag: str,
                         **options: Any) -> None:
        calls.append({"packages": packages, "image": f"{repository}:{tag}", **options})
        client.images[f"{repository}:{tag}"] = {"Id": "sha256:debootstrapped", "Config": {"Labels": {}}}

    monkeypatch.setattr(debootstrap, "build_base_image", fake_debootstrap)
    messages: list[str] = []
    info = build_runner_image(engine, plan, mirror="file:///media/usb/debian",  # type: ignore[arg-type]
                              progress=messages.append)
    assert info.built
    [call] = calls
    assert call["image"] == plan.base_tag and call["packages"] == plan.packages
    assert call["mirror"] == "file:///media/usb/debian"
    assert any("debootstrap instead" in message for message in messages)


# -- the real engine ----------------------------------------------------------------------------


def run_in(client: APIClient, image: str, command: list[str]) -> tuple[int, str]:
    """Run `command` as the learner uid without network in a fresh container; return exit code and output."""
    container = client.create_container(
        image, command=command, user="61000:61000", labels={"org.grader.test": "images"},
        host_config=client.create_host_config(network_mode="none"),
    )
    try:
        client.start(container)
        code = client.wait(container, timeout=60)["StatusCode"]
        return code, client.logs(container).decode()
    finally:
        client.remove_container(container, force=True)


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_builds_a_runner_image_that_runs_python_and_node(project: Path, docker_client: APIClient) -> None:
    # Unique content: the layer is built on every run, on the base image the product shares (cached).
    (project / "incontainer" / "entry.py").write_text(f"print('entry {uuid.uuid4()}')\n")
    plan = plan_of(project)
    try:
        info = build_runner_image(docker_client, plan)
        assert info.built and info.tag == plan.tag
        labels = docker_client.inspect_image(plan.tag)["Config"]["Labels"]  # type: ignore[no-untyped-call]
        assert labels[LABEL_CONTENT_HASH] == plan.content_hash
        assert labels[LABEL_BASE] == plan.base_tag and labels[LABEL_VERSION]
        assert docker_client.inspect_image(plan.current_tag)["Id"] == info.image_id  # type: ignore[no-untyped-call]

        again = build_runner_image(docker_client, plan)
        assert not again.built and again.image_id == info.image_id

        code, output = run_in(docker_client, plan.tag, [
            "sh", "-c", "id -u && id -un && id -gn && getent passwd grader | cut -d: -f3 "
            "&& getent passwd helper | cut -d: -f3,6 "
            "&& (find / -xdev -type f -perm /6000 2>/dev/null; true) | wc -l "
            "&& test -r /opt/sandbox/entry.py && test ! -w /opt/sandbox/entry.py "
            "&& test ! -w /opt/harness && stat -c '%u %a' /opt/sandbox/entry.py /opt/harness/run.sh "
            "&& python3 /opt/sandbox/entry.py && pwd && echo $HOME $LANG"])
        assert code == 0, output
        lines = output.splitlines()[:6]
        assert lines == ["61000", "learner", "learner", "61001", "61002:/tmp/helper", "0"]  # no setuid left
        assert "0 644" in output and "entry " in output and "/work" in output and "/tmp C.UTF-8" in output
        imports = "import pytest, flask, bs4, html5lib, tinycss2"
        code, output = run_in(docker_client, plan.tag, ["python3", "-c", imports])
        assert code == 0, output
        code, output = run_in(docker_client, plan.tag, ["node", "-e", "console.log(1 + 1)"])
        assert code == 0 and output.strip() == "2", output
    finally:
        for tag in (plan.tag, plan.current_tag):
            try:
                docker_client.remove_image(tag)
            except ImageNotFound:
                pass
    assert not docker_client.containers(all=True, filters={"label": "org.grader.test=images"})

"""docker-compose.yml and the Dockerfile, checked where no Docker engine runs.

A compose file fails late: a typo in a command or a setting name shows up only when a
container crash-loops in production. So every command the file runs is parsed by the
real click CLI it names (``eakte.cli.cli``, Celery's), every ``EAKTE_`` variable must be
a field of ``Settings`` and validate as one, and every path the Dockerfile copies must
exist. The final image holds the product and the default model, but no development
code: the training corpus and the test PKI (``samples/``) stay in its build stage.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from eakte.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
VENV_BIN = Path(sys.executable).parent  # the interpreter running the tests: .venv/bin

INFRASTRUCTURE = {  # service → where its state lives in the container
    "minio": "/data",
    "elasticsearch": "/usr/share/elasticsearch/data",
    "redis": "/data",
    "postgres": "/var/lib/postgresql/data",
}
PROJECT_SERVICES = {"api", "worker-ocr", "worker-ingest", "beat", "flower"}
NEEDS_HEALTHCHECK = {*INFRASTRUCTURE, "api", "worker-ocr", "worker-ingest", "flower"}
PUBLISHED = {"api", "flower"}  # everything else stays inside the compose network
INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
SHELL_OPERATORS = {"|", "||", "&&", ";", "&"}
BASE_IMAGE_TOOLS = {"grep", "sh"}  # Debian's, in python:3.11-slim-bookworm as here
DEVELOPMENT = {"samples", "bench", "tests", "scripts", "docs"}  # never in the final image


def load_compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return data


COMPOSE = load_compose()
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]


# --- how compose and Docker would run things ----------------------------------------


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a ``CMD-SHELL`` line (pipelines and lists split apart,
    redirections dropped); compose has already turned ``$$`` into ``$``."""
    lexer = shlex.shlex(script.replace("$$", "$"), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    tokens = iter(lexer)
    for token in tokens:
        if token in SHELL_OPERATORS:
            commands.append([])
        elif set(token) <= set("<>"):
            next(tokens, None)  # the redirection's target
        else:
            commands[-1].append(token)
    return [argv for argv in commands if argv]


def healthcheck_commands(check: dict[str, Any]) -> list[list[str]]:
    test = check["test"]
    if isinstance(test, str):
        return shell_commands(test)
    kind, *rest = test
    if kind == "CMD-SHELL":
        return shell_commands(" ".join(rest))
    assert kind == "CMD", f"unknown healthcheck form {kind!r}"
    return [[arg.replace("$$", "$") for arg in rest]]


def service_commands(name: str) -> list[list[str]]:
    """The service's command and its healthcheck's commands."""
    service = SERVICES[name]
    commands = []
    if "command" in service:
        command = service["command"]
        commands.append(command if isinstance(command, list) else shlex.split(command))
    if "healthcheck" in service:
        commands.extend(healthcheck_commands(service["healthcheck"]))
    return commands


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = (line.strip() for line in text.splitlines())
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for line in lines
        if line and not line.startswith("#")
        for parts in [line.split(None, 1)]
    ]


@dataclass(frozen=True)
class Stage:
    name: str | None
    base: str
    instructions: list[tuple[str, str]]


def dockerfile_stages() -> list[Stage]:
    stages: list[Stage] = []
    for instruction, argument in dockerfile_instructions():
        if instruction == "FROM":
            base, *alias = argument.split()
            assert not alias or (len(alias) == 2 and alias[0].upper() == "AS"), argument
            stages.append(Stage(alias[1] if alias else None, base, []))
        else:
            assert stages, "an instruction before the first FROM"
            stages[-1].instructions.append((instruction, argument))
    return stages


def lineage(stage: Stage, stages: list[Stage]) -> list[Stage]:
    """``stage`` and every stage it is built FROM, down to the one on a registry image."""
    named = {s.name: s for s in stages if s.name}
    chain = [stage]
    while chain[-1].base in named:
        chain.append(named[chain[-1].base])
    return chain


def copy_parts(argument: str) -> tuple[dict[str, str], list[str], str]:
    """A COPY's ``--flag=value`` options, its sources and its destination."""
    words = argument.split()
    flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--"))
    *sources, target = [w for w in words if not w.startswith("--")]
    return flags, sources, target


def project_commands() -> Iterator[tuple[str, list[str]]]:
    """Every command that runs inside the eAkte image, with where it comes from."""
    for name in sorted(PROJECT_SERVICES & SERVICES.keys()):
        for argv in service_commands(name):
            yield name, argv
    for instruction, argument in dockerfile_instructions():
        if instruction == "CMD":
            yield "Dockerfile CMD", yaml.safe_load(argument)


def resolve(group: click.Group, argv: list[str]) -> click.Context:
    """Parse ``argv`` the way click would before running it, down to the command that
    would run, without running anything. Raises ``click.UsageError`` (unknown command or
    option, a bad value, a missing argument) like the real command line would."""
    ctx = click.Context(group, info_name=argv[0], resilient_parsing=False)
    rest = click.Command.parse_args(group, ctx, list(argv[1:]))  # the group's own options
    if not rest:
        raise click.UsageError(f"{shlex.join(argv)}: no command", ctx)
    name, command, rest = group.resolve_command(ctx, rest)
    assert name is not None and command is not None
    if isinstance(command, click.Group):
        return resolve(command, [name, *rest])
    return command.make_context(name, rest, parent=ctx)


def cli_group(program: str) -> click.Group:
    """The click group behind a console script of the image."""
    if program == "eakte":
        from eakte.cli import cli

        return cli
    if program == "celery":
        from celery.bin.celery import celery

        group: click.Group = celery
        return group
    raise AssertionError(f"no click group known for {program!r}")


def interpolated(value: Any) -> Iterator[re.Match[str]]:
    if isinstance(value, dict):
        for item in value.values():
            yield from interpolated(item)
    elif isinstance(value, list):
        for item in value:
            yield from interpolated(item)
    elif isinstance(value, str):
        yield from INTERPOLATION.finditer(value)


def env_example() -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def substitute(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation with ``.env.example`` (empty secrets become a stand-in)."""

    def one(match: re.Match[str]) -> str:
        given = env.get(match["name"], "")
        if given or match["op"] is None:
            return given or "stand-in"
        return match["arg"] if match["op"].endswith("-") else "stand-in"

    return INTERPOLATION.sub(one, value).replace("$$", "$")


# --- the checks ------------------------------------------------------------------------


def test_the_file_has_every_service() -> None:
    assert set(SERVICES) >= {*INFRASTRUCTURE, *PROJECT_SERVICES}


@pytest.mark.parametrize("name", sorted(NEEDS_HEALTHCHECK))
def test_services_have_a_healthcheck(name: str) -> None:
    check = SERVICES[name]["healthcheck"]
    assert healthcheck_commands(check), check
    assert {"interval", "timeout", "retries"} <= check.keys()


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_services_restart_on_failure(name: str) -> None:
    assert SERVICES[name].get("restart") in {"unless-stopped", "always", "on-failure"}


@pytest.mark.parametrize(("name", "path"), sorted(INFRASTRUCTURE.items()))
def test_state_lives_in_named_volumes_on_pinned_images(name: str, path: str) -> None:
    service = SERVICES[name]
    image, _, tag = service["image"].rpartition(":")
    assert image and tag and tag != "latest" and "$" not in tag, service["image"]
    mounts = dict(reversed(volume.split(":")[:2]) for volume in service["volumes"])
    assert mounts.get(path) in COMPOSE["volumes"], f"{name}: {path} is not a named volume"


def test_every_declared_volume_is_used() -> None:
    used = {volume.split(":")[0] for s in SERVICES.values() for volume in s.get("volumes", [])}
    assert set(COMPOSE["volumes"]) <= used


def test_elasticsearch_matches_the_client_and_runs_single_node() -> None:
    service = SERVICES["elasticsearch"]
    assert service["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:")
    server = service["image"].rpartition(":")[2].split(".")
    client = version("elasticsearch").split(".")
    assert server[:2] == client[:2] == ["8", "19"]
    env = service["environment"]
    assert env["discovery.type"] == "single-node"
    assert "-Xms" in env["ES_JAVA_OPTS"] and "-Xmx" in env["ES_JAVA_OPTS"]


def test_redis_keeps_the_queue_on_disk() -> None:
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"


@pytest.mark.parametrize("name", sorted(PROJECT_SERVICES))
def test_project_services_run_the_image_and_wait_for_healthy_servers(name: str) -> None:
    service = SERVICES[name]
    assert service["build"]["context"] == "."
    assert (REPO / service["build"]["dockerfile"]).is_file()
    depends = service["depends_on"]
    assert "redis" in depends
    for target, condition in depends.items():
        assert condition == {"condition": "service_healthy"}, (name, target)
        assert "healthcheck" in SERVICES[target], f"{name} waits for {target} without one"


def test_only_the_api_and_the_status_view_are_published_and_only_on_loopback() -> None:
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == PUBLISHED
    for name in PUBLISHED:
        for port in SERVICES[name]["ports"]:
            assert str(port).startswith("127.0.0.1:"), (name, port)


def test_beat_is_never_scaled() -> None:
    assert SERVICES["beat"]["deploy"]["replicas"] == 1


PROJECT_COMMANDS = list(project_commands())


@pytest.mark.parametrize(
    ("where", "argv"), PROJECT_COMMANDS, ids=[shlex.join(argv) for _, argv in PROJECT_COMMANDS]
)
def test_every_command_exists_in_the_project(where: str, argv: list[str]) -> None:
    program = argv[0]
    if program not in BASE_IMAGE_TOOLS:
        assert shutil.which(program, path=str(VENV_BIN)), f"{where}: {program} not in {VENV_BIN}"
    if program in {"eakte", "celery"}:
        try:
            resolve(cli_group(program), argv)
        except click.UsageError as exc:
            pytest.fail(f"{where}: {shlex.join(argv)}: {exc.format_message()}")
    elif program == "python":
        assert argv[1] == "-c", f"{where}: only `python -c` is checked"
        compile(argv[2], f"<{where}>", "exec")
    elif program in BASE_IMAGE_TOOLS:
        assert shutil.which(program), f"{where}: {program} missing on this Debian machine"
    else:
        pytest.fail(f"{where}: no check for {program!r}; add one here")


@pytest.mark.parametrize(
    "argv",
    [
        ["eakte", "serch", "x"],  # unknown command
        ["eakte", "search", "x", "--limt", "3"],  # unknown option
        ["eakte", "search", "x", "--limit", "drei"],  # bad value
        ["eakte", "show"],  # missing argument
        ["celery", "-b", "redis://redis", "inspekt", "ping"],
        ["celery", "--brokr", "redis://redis", "inspect", "ping"],
    ],
)
def test_the_command_check_catches_typos(argv: list[str]) -> None:
    with pytest.raises(click.UsageError):
        resolve(cli_group(argv[0]), argv)
    assert (
        resolve(cli_group("eakte"), ["eakte", "search", "x", "--limit", "3"]).params["limit"] == 3
    )


def project_environment() -> Iterator[tuple[str, str, str]]:
    for name in sorted(PROJECT_SERVICES):
        environment = SERVICES[name].get("environment", {})
        assert isinstance(environment, dict), f"{name}: use the mapping form"
        for key, value in environment.items():
            yield name, key, str(value)


def test_eakte_variables_are_settings_that_validate() -> None:
    fields = {f"EAKTE_{name.upper()}": name for name in Settings.model_fields}
    env = env_example()
    names = [(where, key) for where, key, _ in project_environment() if key.startswith("EAKTE_")]
    names += [(".env.example", key) for key in env if key.startswith("EAKTE_")]
    unknown = [(where, key) for where, key in names if key not in fields]
    assert not unknown, f"not fields of eakte.settings.Settings: {unknown}"
    for name in sorted(PROJECT_SERVICES):
        values = {
            fields[key]: substitute(value, env)
            for where, key, value in project_environment()
            if where == name and key in fields
        }
        settings = Settings(**values)  # raises on a value the service would refuse
        assert settings.mode == "distributed"


def test_every_variable_compose_reads_is_documented_in_env_example() -> None:
    env = env_example()
    read = {match["name"] for match in interpolated(COMPOSE)}
    assert read - env.keys() == set(), "add these to .env.example"
    assert env.keys() - read == set(), "no longer used by docker-compose.yml"


def test_the_shell_check_understands_pipelines_and_escapes() -> None:
    script = 'celery -b "$$URL" inspect ping -d "celery@$$HOSTNAME" >/dev/null && grep -q OK'
    assert shell_commands(script) == [
        ["celery", "-b", "$URL", "inspect", "ping", "-d", "celery@$HOSTNAME"],
        ["grep", "-q", "OK"],
    ]


def test_dockerfile_copies_existing_paths_and_every_package() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0][0] == "FROM" and instructions[0][1].startswith("python:3.11-slim-")
    copied: set[str] = set()
    for instruction, argument in instructions:
        flags, sources, _ = copy_parts(argument) if instruction == "COPY" else ({}, [], "")
        if "from" not in flags:
            for source in sources:
                assert (REPO / source).exists(), f"Dockerfile copies missing {source}"
                copied.add(source.rstrip("/"))
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    wanted = {pattern.rstrip("*") for pattern in packages}
    assert wanted <= copied, f"pip install . would miss {wanted - copied}"
    assert {"pyproject.toml", pyproject["project"]["readme"]} <= copied
    assert any(i == "USER" and a not in {"root", "0"} for i, a in instructions), "runs as root"


def test_the_image_holds_the_default_model_but_no_development_code() -> None:
    stages = dockerfile_stages()
    image = lineage(stages[-1], stages)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    env = {
        key: value
        for stage in image
        for instruction, argument in stage.instructions
        if instruction == "ENV"
        for key, value in (pair.split("=", 1) for pair in shlex.split(argument))
    }
    model_dir = env["EAKTE_MODEL_CACHE_DIR"]
    builders = []
    for stage in image:
        for instruction, argument in stage.instructions:
            assert instruction != "ADD", "COPY only: ADD fetches and unpacks"
            if instruction != "COPY":
                continue
            flags, sources, target = copy_parts(argument)
            if "from" in flags:  # only the model directory, out of the build stage
                assert sources == [model_dir] and target == model_dir, argument
                assert flags.get("chown", "").split(":")[0] == "eakte", "eakte train writes there"
                builders.append(flags["from"])
            else:
                copied = {source.rstrip("/").split("/")[0] for source in sources}
                assert not copied & DEVELOPMENT, f"the image gets development code: {argument}"
                assert copied <= wheel | {"pyproject.toml", pyproject["project"]["readme"]}
    assert len(builders) == 1, "the final image copies the model from one build stage"
    builder = next(s for s in stages if s.name == builders[0])
    # On the product stage (the same packages and base image), plus samples/ to build with.
    assert image[-1] in lineage(builder, stages)
    workdir = [a for i, a in builder.instructions if i == "WORKDIR"][-1]
    copies = [copy_parts(a) for i, a in builder.instructions if i == "COPY"]
    assert ({}, ["samples"], f"{workdir}/samples") in copies  # importable from WORKDIR
    runs = [shlex.split(a) for i, a in builder.instructions if i == "RUN"]
    assert ["python", "-m", "samples.default_model"] in runs
    assert find_spec("samples.default_model") is not None


def test_secrets_stay_out_of_the_image() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and "config/" in ignored

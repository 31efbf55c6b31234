"""The deployment files keep up with the code: .env.example names every setting bot/settings.py
reads, compose.yaml has its three services, the Dockerfile and the systemd unit what they need.

Docker itself is used only when a daemon (and the compose plugin) answer; otherwise those tests
are skipped, saying why.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from tests.support.settings_names import settings_read

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / ".env.example"
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
CADDYFILE = ROOT / "Caddyfile"
UNIT = ROOT / "deploy" / "hayna.service"
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
# Values that must stay empty in .env.example: a secret is never shipped.
SECRETS = (
    "HAYNA_SECRET_KEY",
    "POSTGRES_PASSWORD",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TWILIO_AUTH_TOKEN",
    "HAYNA_METRICS_TOKEN",
)


# -- .env.example ------------------------------------------------------------------------------


def env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f".env.example: {line!r} is not NAME=value"
            values[name.strip()] = value.strip()
    return values


def test_every_setting_is_in_env_example() -> None:
    settings = settings_read()
    assert len(settings) >= 10, settings
    missing = sorted(settings - env_example().keys())
    assert not missing, f"settings read by bot/settings.py missing from .env.example: {missing}"


def test_every_line_of_env_example_has_its_comment() -> None:
    lines = ENV_EXAMPLE.read_text("utf-8").splitlines()
    bare = [
        line.partition("=")[0]
        for number, line in enumerate(lines)
        if line.strip()
        and not line.startswith("#")
        and (number == 0 or not lines[number - 1].startswith("#"))
    ]
    assert not bare, f"settings of .env.example without a comment above them: {bare}"


def test_env_example_ships_no_secret() -> None:
    values = env_example()
    filled = [name for name in SECRETS if values.get(name, "")]
    assert not filled, f".env.example gives a value to secrets: {filled}"


def test_env_example_is_accepted_as_it_is(tmp_path: Path) -> None:
    """Its values, empty ones included, start Hayna (on an SQLite database of this test's)."""
    env = env_example() | {"DATABASE_URL": f"sqlite:///{tmp_path / 'hayna.db'}"}
    settings = Settings.from_env(env)
    assert settings.port == 8080
    assert settings.telegram is None and settings.whatsapp is None


# -- compose.yaml ------------------------------------------------------------------------------


def _scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(item) for item in re.findall(r'"(?:[^"\\]|\\.)*"|[^,\s][^,]*', text[1:-1])]
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def light_yaml(text: str) -> Any:
    """The block maps and lists compose.yaml is written with, when PyYAML is not installed."""
    lines = [
        (len(line) - len(line.lstrip(" ")), line.strip())
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]

    def block(start: int, indent: int) -> tuple[Any, int]:
        if lines[start][1].startswith("- "):
            items: list[Any] = []
            while start < len(lines) and lines[start][0] == indent:
                items.append(_scalar(lines[start][1][2:]))
                start += 1
            return items, start
        mapping: dict[str, Any] = {}
        while start < len(lines) and lines[start][0] == indent:
            key, _, rest = lines[start][1].partition(":")
            start += 1
            if rest.strip():
                mapping[key.strip()] = _scalar(rest)
            elif start < len(lines) and lines[start][0] > indent:
                mapping[key.strip()], start = block(start, lines[start][0])
            else:
                mapping[key.strip()] = None
        return mapping, start

    parsed, end = block(0, 0)
    assert end == len(lines), f"compose.yaml: cannot read from {lines[end][1]!r}"
    return parsed


def compose() -> dict[str, Any]:
    text = COMPOSE.read_text("utf-8")
    try:
        import yaml
    except ImportError:
        parsed = light_yaml(text)
    else:
        parsed = yaml.safe_load(text)
    assert isinstance(parsed, dict), "compose.yaml is not a mapping"
    return parsed


def test_compose_has_the_three_services() -> None:
    services = compose()["services"]
    assert {"hayna", "db", "caddy"} <= set(services), sorted(services)
    hayna, db, caddy = services["hayna"], services["db"], services["caddy"]
    assert hayna["env_file"] in (".env", [".env"])
    assert hayna["restart"] == "unless-stopped"
    assert hayna["depends_on"]["db"]["condition"] == "service_healthy"
    assert hayna["command"] == ["hayna", "serve"]
    assert "/healthz" in " ".join(hayna["healthcheck"]["test"])
    assert "@db:5432/" in hayna["environment"]["DATABASE_URL"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert caddy["image"].startswith("caddy:2")
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    assert any(volume.startswith("./Caddyfile:") for volume in caddy["volumes"])


def test_compose_keeps_its_data_in_named_volumes() -> None:
    parsed = compose()
    volumes = set(parsed["volumes"])
    services = parsed["services"]
    for service in ("hayna", "db", "caddy"):
        named = {entry.split(":")[0] for entry in services[service]["volumes"]}
        assert named & volumes, f"{service} keeps its data in no named volume"
    db_volume = next(v for v in services["db"]["volumes"] if v.endswith("/var/lib/postgresql/data"))
    assert db_volume.split(":")[0] in volumes


def test_caddy_proxies_to_hayna() -> None:
    text = CADDYFILE.read_text("utf-8")
    assert "{$PUBLIC_HOST}" in text
    assert re.search(r"reverse_proxy\s+hayna:8080", text)


# -- the Dockerfile ----------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """Its instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text("utf-8"))
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, arguments = line.strip().partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def test_dockerfile_runs_the_package_as_a_user() -> None:
    instructions = dockerfile()
    kinds = [kind for kind, _ in instructions]
    assert instructions[0][0] == "FROM"
    assert re.match(r"python:3\.1[12]-slim", instructions[0][1]), instructions[0][1]
    users = [arguments for kind, arguments in instructions if kind == "USER"]
    assert users and users[-1] not in ("root", "0"), f"the image runs as {users or 'root'}"
    assert any(kind == "RUN" and re.search(r"pip install \.(\s|$)", a) for kind, a in instructions)
    assert ("EXPOSE", "8080") in instructions
    assert "HEALTHCHECK" in kinds
    health = next(a for kind, a in instructions if kind == "HEALTHCHECK")
    assert "/healthz" in health
    assert ("CMD", '["hayna", "serve"]') in instructions


def test_the_image_upgrades_the_database_before_serving() -> None:
    instructions = dockerfile()
    assert ("ENTRYPOINT", '["hayna-entrypoint"]') in instructions
    assert any(kind == "COPY" and "deploy/entrypoint.sh" in a for kind, a in instructions)
    script = ENTRYPOINT.read_text("utf-8")
    assert script.index("hayna db upgrade") < script.index('exec "$@"')


def test_the_image_gets_the_catalogs_and_pg_dump() -> None:
    """bot/i18n.py reads locales/ beside the package; `hayna db backup` on PostgreSQL runs
    pg_dump. The gazetteer and the font come with `pip install .`."""
    text = DOCKERFILE.read_text("utf-8")
    assert "COPY locales" in text
    assert "postgresql-client" in text
    ignored = ROOT.joinpath(".dockerignore").read_text("utf-8").split()
    assert not {"locales", "storage", "bot"} & set(ignored)


# -- the systemd unit --------------------------------------------------------------------------


def test_the_systemd_unit_has_what_it_needs() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(UNIT.read_text("utf-8"))
    service = unit["Service"]
    assert service["User"] == "hayna"
    assert service["WorkingDirectory"] == "/var/lib/hayna"
    assert service["EnvironmentFile"] == "/etc/hayna/env"
    assert service["ExecStartPre"].endswith("hayna db upgrade")
    assert service["ExecStart"].endswith("hayna serve")
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "true"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/var/lib/hayna"
    assert service["PrivateTmp"] == "true"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


# -- with Docker, where it runs ----------------------------------------------------------------


def _docker_missing(*args: str) -> str | None:
    """Why `docker ARGS` cannot be used here, or None."""
    if shutil.which("docker") is None:
        return "no docker client on the PATH"
    try:
        result = subprocess.run(
            ["docker", *args], capture_output=True, text=True, timeout=20, check=False
        )
    except subprocess.TimeoutExpired:
        return f"docker {' '.join(args)} did not answer in 20 s"
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        return f"docker {' '.join(args)} failed: {said[-1] if said else result.returncode}"
    return None


def test_docker_compose_accepts_compose_yaml(tmp_path: Path) -> None:
    reason = _docker_missing("compose", "version")
    if reason:
        pytest.skip(f"the compose plugin is unavailable ({reason})")
    # A copy beside a filled-in .env, as an operator's folder is.
    shutil.copy(COMPOSE, tmp_path / COMPOSE.name)
    shutil.copy(CADDYFILE, tmp_path / CADDYFILE.name)
    (tmp_path / ".env").write_text("PUBLIC_HOST=hayna.example.org\nPOSTGRES_PASSWORD=test\n")
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_image_builds() -> None:
    reason = _docker_missing("info")
    if reason:
        pytest.skip(f"no Docker daemon to build with ({reason})")
    result = subprocess.run(
        ["docker", "build", "--quiet", "-t", "hayna:test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0 and re.search(r"pull|registry|resolve|dial tcp", result.stderr):
        pytest.skip(f"no image registry reachable: {result.stderr.strip().splitlines()[-1]}")
    assert result.returncode == 0, result.stderr

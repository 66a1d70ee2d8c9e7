"""The deployment files in deploy/: the kustomize output, the image definition, compose.

The Kubernetes manifests are rendered with `kubectl kustomize` (skipped with a message where
kubectl is missing, a failure in CI) and read back as YAML: every Deployment has probes,
resource requests and limits and runs as non-root; so do the CronJobs and the migration Job.
No container engine runs here, so the Containerfile is checked by reading it, and its build
step's settings are tried for real: collectstatic with the build stage's environment must
succeed without a database.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
KUSTOMIZATIONS = ["deploy/k8s", "deploy/k8s/base", "deploy/k8s/overlays/example"]
# Variables that the deployment files set themselves, or that only the test suite reads.
SET_BY_COMPOSE = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_BEHIND_TLS_PROXY",
    "DJANGO_TRUSTED_PROXY_COUNT",
}
COMPOSE_ONLY = {"SITE_DOMAIN", "POSTGRES_PASSWORD", "BREINAALD_IMAGE"}  # read by compose.yaml
NOT_FOR_DEPLOYMENT = {"CHROMIUM_PATH", "STATIC_ROOT"}  # STATIC_ROOT is fixed at image build


# --- kubectl kustomize ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        message = "kubectl is not installed, so the kustomize output cannot be rendered."
        if os.environ.get("CI"):
            pytest.fail(message + " CI must have it (.ci/run installs it).")
        pytest.skip(message)
    return path


_rendered: dict[str, list[dict[str, Any]]] = {}


def render(kubectl: str, path: str) -> list[dict[str, Any]]:
    if path not in _rendered:
        result = subprocess.run(
            [kubectl, "kustomize", str(ROOT / path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"kubectl kustomize {path} failed:\n{result.stderr}"
        _rendered[path] = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    return _rendered[path]


def pod_templates(objects: list[dict[str, Any]], *kinds: str) -> Iterator[tuple[str, dict]]:
    for obj in objects:
        if obj["kind"] not in kinds:
            continue
        spec = obj["spec"]
        if obj["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        yield f"{obj['kind']}/{obj['metadata']['name']}", spec["template"]["spec"]


def runs_as_non_root(pod: dict[str, Any], container: dict[str, Any]) -> bool:
    pod_context = pod.get("securityContext") or {}
    context = {**pod_context, **(container.get("securityContext") or {})}
    return context.get("runAsNonRoot") is True and context.get("runAsUser", 1) != 0


@pytest.mark.parametrize("path", KUSTOMIZATIONS)
def test_the_kustomizations_render_every_part_of_the_deployment(kubectl: str, path: str) -> None:
    kinds = {(obj["kind"], obj["metadata"]["name"]) for obj in render(kubectl, path)}
    for expected in [
        ("Deployment", "breinaald-web"),
        ("Deployment", "breinaald-worker"),
        ("Service", "breinaald-web"),
        ("HorizontalPodAutoscaler", "breinaald-web"),
        ("PodDisruptionBudget", "breinaald-web"),
        ("CronJob", "breinaald-lapse-stamp-claims"),
        ("CronJob", "breinaald-send-weekly-digest"),
        ("Job", "breinaald-migrate"),
    ]:
        assert expected in kinds, f"{path} renders no {expected}"
    assert {kind for kind, _ in kinds} >= {"ConfigMap", "Secret"}


@pytest.mark.parametrize("path", KUSTOMIZATIONS)
def test_every_deployment_has_probes_resources_and_a_non_root_security_context(
    kubectl: str, path: str
) -> None:
    deployments = list(pod_templates(render(kubectl, path), "Deployment"))
    assert deployments
    for name, pod in deployments:
        for container in pod["containers"]:
            where = f"{path}: {name} container {container['name']}"
            assert container.get("readinessProbe"), f"{where} has no readiness probe"
            assert container.get("livenessProbe"), f"{where} has no liveness probe"
            resources = container.get("resources") or {}
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), (
                f"{where} requests no cpu and memory"
            )
            assert "memory" in resources.get("limits", {}), f"{where} has no memory limit"
            assert runs_as_non_root(pod, container), f"{where} may run as root"


@pytest.mark.parametrize("path", KUSTOMIZATIONS)
def test_every_pod_is_locked_down_and_gets_a_writable_tmp(kubectl: str, path: str) -> None:
    pods = list(pod_templates(render(kubectl, path), "Deployment", "CronJob", "Job"))
    assert len(pods) == 5
    for name, pod in pods:
        assert pod.get("automountServiceAccountToken") is False, name
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        for container in pod["containers"]:
            where = f"{path}: {name} container {container['name']}"
            assert runs_as_non_root(pod, container), f"{where} may run as root"
            context = container.get("securityContext") or {}
            assert context.get("allowPrivilegeEscalation") is False, where
            assert context.get("readOnlyRootFilesystem") is True, where
            assert context.get("capabilities", {}).get("drop") == ["ALL"], where
            tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
            assert tmp and "emptyDir" in volumes[tmp[0]["name"]], f"{where} has no /tmp"
            assert container.get("resources", {}).get("requests"), f"{where} requests nothing"


@pytest.mark.parametrize("path", KUSTOMIZATIONS)
def test_the_web_probes_ask_readyz_and_healthz(kubectl: str, path: str) -> None:
    [(_, pod)] = [
        item for item in pod_templates(render(kubectl, path), "Deployment") if "web" in item[0]
    ]
    [web] = pod["containers"]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    port = web["readinessProbe"]["httpGet"]["port"]
    assert port in {p.get("name") for p in web["ports"]} | {
        p["containerPort"] for p in web["ports"]
    }


@pytest.mark.parametrize("path", KUSTOMIZATIONS)
def test_every_workload_runs_one_image_with_real_commands_and_existing_config(
    kubectl: str, path: str
) -> None:
    objects = render(kubectl, path)
    names = {(obj["kind"], obj["metadata"]["name"]) for obj in objects}
    images = set()
    commands = get_commands()
    for name, pod in pod_templates(objects, "Deployment", "CronJob", "Job"):
        for container in pod["containers"]:
            images.add(container["image"])
            command = container["command"]
            if command[:2] == ["python", "manage.py"]:
                assert command[2] in commands, f"{name} runs an unknown command {command[2]}"
            else:
                assert command[0] == "gunicorn", name
                assert (ROOT / command[command.index("-c") + 1]).is_file(), name
            for source in container.get("envFrom", []):
                for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if key in source:
                        assert (kind, source[key]["name"]) in names, (
                            f"{name} reads a {kind} that is not rendered"
                        )
    # Web, worker, jobs and migrations always run one release.
    assert len(images) == 1, images


def test_the_example_overlay_sets_namespace_tag_and_the_restricted_pod_standard(
    kubectl: str,
) -> None:
    objects = render(kubectl, "deploy/k8s/overlays/example")
    [namespace] = [obj for obj in objects if obj["kind"] == "Namespace"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace["metadata"]["name"], obj["kind"]
    images = {
        c["image"] for _, pod in pod_templates(objects, "Deployment") for c in pod["containers"]
    }
    assert all(re.search(r":[\w.-]+$", image) for image in images), images


def configuration_of(objects: list[dict[str, Any]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for obj in objects:
        if obj["kind"] == "ConfigMap":
            values.update(obj["data"])
        elif obj["kind"] == "Secret":
            values.update(
                {key: base64.b64decode(value).decode() for key, value in obj["data"].items()}
            )
    return values


def readme_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", table, flags=re.MULTILINE))


def variables_the_code_reads() -> set[str]:
    """Every environment variable that settings, gunicorn's config or storage read."""
    found: set[str] = set()
    for module in [*(ROOT / "platform_site").glob("*.py"), *(ROOT / "core").glob("*.py")]:
        found.update(
            re.findall(
                # env_int("X"), os.environ.get("X"), gunicorn_conf's _positive("X", ...)
                r"[\w.][(\[]\s*\"([A-Z][A-Z0-9]*_[A-Z0-9_]+)\"",
                module.read_text(),
            )
        )
    return found


def test_every_kubernetes_setting_is_a_variable_the_site_reads(kubectl: str) -> None:
    configuration = configuration_of(render(kubectl, "deploy/k8s/overlays/example"))
    assert set(configuration) - variables_the_code_reads() == set()


def test_the_example_kubernetes_configuration_passes_djangos_deployment_checks(
    kubectl: str, tmp_path: Path
) -> None:
    configuration = configuration_of(render(kubectl, "deploy/k8s/overlays/example"))
    assert run_manage(["check", "--deploy", "--fail-level", "WARNING"], configuration, tmp_path)


# --- Containerfile -------------------------------------------------------------------------


def containerfile_stages() -> list[list[tuple[str, str]]]:
    """The instructions of each stage, as (INSTRUCTION, arguments), comments dropped."""
    text = (DEPLOY / "Containerfile").read_text()
    logical = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    stages: list[list[tuple[str, str]]] = []
    for line in logical.splitlines():
        if not line.strip():
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), " ".join(arguments.split())))
    return stages


def test_every_copy_source_of_the_containerfile_exists() -> None:
    copied = set()
    for stage in containerfile_stages():
        for instruction, arguments in stage:
            if instruction != "COPY" or "--from=" in arguments:
                continue
            *sources, _destination = [a for a in arguments.split() if not a.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
                copied.add(source.rstrip("/"))
    # Every first-party app and every folder the site reads at run time is in the image.
    first_party = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    assert (
        first_party | {"manage.py", "templates", "static", "locale", "pyproject.toml", "uv.lock"}
        <= copied
    )


def test_the_image_is_multi_stage_non_root_without_compilers_and_collects_static() -> None:
    build, runtime = containerfile_stages()
    build_text = " ".join(arguments for _, arguments in build)
    assert "uv sync --frozen --no-dev" in build_text
    assert "collectstatic --noinput" in build_text and "compilemessages" in build_text
    runtime_instructions = dict(runtime)
    assert "apt-get" not in " ".join(arguments for _, arguments in runtime)
    assert not re.search(
        r"\b(gcc|build-essential|uv sync|gettext)\b", " ".join(a for _, a in runtime)
    )
    user = runtime_instructions["USER"].split(":")[0]
    assert user.isdigit() and int(user) > 0
    assert runtime_instructions["EXPOSE"] == "8000"
    assert "/healthz" in runtime_instructions["HEALTHCHECK"]
    assert (
        "gunicorn" in runtime_instructions["CMD"]
        and "gunicorn_conf.py" in runtime_instructions["CMD"]
    )
    assert (ROOT / "platform_site" / "gunicorn_conf.py").is_file()


def build_stage_environment() -> dict[str, str]:
    build = containerfile_stages()[0]
    environment: dict[str, str] = {}
    for instruction, arguments in build:
        if instruction == "ENV":
            environment.update(re.findall(r"(\w+)=(\S+)", arguments))
    return environment


def run_manage(
    arguments: list[str], environment: dict[str, str], tmp_path: Path, *, database: bool = True
) -> bool:
    """Run manage.py with exactly this environment (the test run's own is left out).

    With ``database``, the command gets the test run's database instead of the example's
    placeholder address: Django's system checks open a connection (GeneratedField).
    """
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONDONTWRITEBYTECODE": "1",
        **{k: v for k, v in environment.items() if not k.startswith(("UV_", "PATH"))},
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    if database:
        env.pop("DATABASE_URL", None)
        if os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(arguments)}:\n{result.stdout}\n{result.stderr}"
    )
    return True


def test_collectstatic_at_image_build_needs_no_database(tmp_path: Path) -> None:
    environment = build_stage_environment()
    # The build stage's database address is a closed port: connecting would fail the build.
    assert environment["DATABASE_URL"].startswith("postgresql://")
    assert environment["DJANGO_DEBUG"] == "false" and len(environment["DJANGO_SECRET_KEY"]) >= 50
    run_manage(["collectstatic", "--noinput", "-v", "0"], environment, tmp_path, database=False)
    assert (tmp_path / "static" / "staticfiles.json").is_file()


# --- compose -------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_compose_runs_web_worker_jobs_database_cache_and_a_tls_proxy() -> None:
    services = compose()["services"]
    assert {"migrate", "web", "worker", "scheduler", "db", "redis", "proxy"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    scheduler = "\n".join(services["scheduler"]["command"])
    assert "lapse_stamp_claims" in scheduler and "send_weekly_digest" in scheduler
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in ("web", "worker", "scheduler"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
        assert services[name]["user"] == "10001:10001" and services[name]["read_only"] is True
    assert int(services["db"]["image"].split(":")[1].split(".")[0]) >= 15
    assert (DEPLOY / "Caddyfile").is_file()


def test_the_example_environment_names_every_documented_variable() -> None:
    # A commented-out line (# NAME=value) names a variable that is best left unset.
    commented = re.findall(
        r"^#\s*([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), flags=re.MULTILINE
    )
    named = set(env_example()) | set(commented)
    missing = readme_variables() - SET_BY_COMPOSE - NOT_FOR_DEPLOYMENT - named
    assert missing == set(), f"add these to deploy/env.example: {sorted(missing)}"


def test_every_variable_of_the_example_environment_is_one_the_site_reads() -> None:
    unknown = set(env_example()) - variables_the_code_reads() - COMPOSE_ONLY
    assert unknown == set()


def test_the_example_environment_passes_djangos_deployment_checks(tmp_path: Path) -> None:
    environment = {**env_example(), **compose()["x-app"]["environment"]}
    assert run_manage(["check", "--deploy", "--fail-level", "WARNING"], environment, tmp_path)

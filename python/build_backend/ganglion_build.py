"""The PEP 517 build backend of pyproject.toml: builds the Python module with the project's CMake
build and packs it as a wheel, so that ``pip install --no-build-isolation .`` works offline with
nothing but CMake, a compiler and the Debian packages of scripts/deps.sh (no scikit-build-core).

The CMake build lives in ``build-pip/`` in the source tree (kept, so a second install rebuilds
only what changed); ``GANGLION_CMAKE_ARGS`` adds arguments to its configure step (e.g.
``-DGANGLION_CUDA=OFF``), ``GANGLION_BUILD_JOBS`` sets the parallel jobs (default: the CPUs).
The interpreter the module is built for is the one running pip.
"""

import base64
import hashlib
import io
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NAME = "ganglion"


def _version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        m = re.search(r"project\(ganglion VERSION ([0-9.]+)", f.read())
    return m.group(1) if m else "0.0.0"


def _metadata():
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {_version()}\n"
            "Summary: NEAT neuroevolution with whole populations activated in one call (C++/CUDA core)\n"
            "Requires-Python: >=3.8\nRequires-Dist: numpy\n")


def _tags():
    impl = f"cp{sys.version_info.major}{sys.version_info.minor}"
    abi = impl + getattr(sys, "abiflags", "")
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return impl, abi, plat


def _dist_info():
    return f"{NAME}-{_version()}.dist-info"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    d = os.path.join(metadata_directory, _dist_info())
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w") as f:
        f.write(_metadata())
    return _dist_info()


def _build():
    build_dir = os.path.join(ROOT, "build-pip")
    configure = ["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release", "-DGANGLION_TESTS=OFF",
                 f"-DPython_EXECUTABLE={sys.executable}"]
    configure += shlex.split(os.environ.get("GANGLION_CMAKE_ARGS", ""))
    jobs = os.environ.get("GANGLION_BUILD_JOBS") or str(os.cpu_count() or 2)
    subprocess.check_call(configure, stdout=sys.stderr)
    subprocess.check_call(["cmake", "--build", build_dir, "--target", "ganglion_python", "-j", jobs], stdout=sys.stderr)
    package = os.path.join(build_dir, "python", NAME)
    if not any(f.startswith("_ganglion") for f in os.listdir(package)):
        raise RuntimeError(f"the CMake build made no module in {package}: is pybind11-dev installed (scripts/deps.sh)?")
    return package


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    package = _build()
    impl, abi, plat = _tags()
    wheel_name = f"{NAME}-{_version()}-{impl}-{abi}-{plat}.whl"
    files = []
    for entry in sorted(os.listdir(package)):
        path = os.path.join(package, entry)
        if os.path.isfile(path) and not entry.endswith(".pyc"):
            with open(path, "rb") as f:
                files.append((f"{NAME}/{entry}", f.read()))
    info = _dist_info()
    wheel = f"Wheel-Version: 1.0\nGenerator: ganglion_build\nRoot-Is-Purelib: false\nTag: {impl}-{abi}-{plat}\n"
    files += [(f"{info}/METADATA", _metadata().encode()), (f"{info}/WHEEL", wheel.encode())]
    record = "\n".join(_record_line(n, d) for n, d in files) + f"\n{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    os.makedirs(wheel_directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    """The git-tracked files (the whole source tree: the module builds with the project)."""
    base = f"{NAME}-{_version()}"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    names = [n for n in listed.decode().split("\0") if n]
    os.makedirs(sdist_directory, exist_ok=True)
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz") as t:
        for n in names:
            t.add(os.path.join(ROOT, n), arcname=f"{base}/{n}", recursive=False)
        pkg_info = _metadata().encode()
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size = len(pkg_info)
        t.addfile(ti, io.BytesIO(pkg_info))
    return os.path.basename(path)

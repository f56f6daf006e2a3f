#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the default experiment (XOR).
# Leaves the command-line program at build/ganglion and the Python module in build/python.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs" --target ganglion
# The Python module, when CMake found Python and pybind11 (python/CMakeLists.txt).
python_line="ganglion: no Python module (needs python3-dev, pybind11-dev, python3-numpy: scripts/deps.sh)"
if cmake --build build -j"$jobs" --target ganglion_python >/dev/null 2>&1; then
  python=$(sed -n 's/^Python_EXECUTABLE:FILEPATH=//p' build/CMakeCache.txt)
  python_line="ganglion: Python module built; import it with  PYTHONPATH=build/python ${python:-python3} -c 'import ganglion'  (docs/python.md)"
fi
echo
echo "ganglion: built build/ganglion; running the default experiment (configs/xor.yaml)"
status=0
./build/ganglion run configs/xor.yaml "$@" || status=$?
# 0: solved; 3: generation limit reached without a solution (results are still saved).
echo "$python_line"
if [[ $status -ne 0 && $status -ne 3 ]]; then exit $status; fi

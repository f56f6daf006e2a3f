# The installed package as an outside project uses it; run by CTest as `package_plugin`
# (tests/CMakeLists.txt) with GANGLION_BUILD_DIR, GANGLION_SOURCE_DIR, WORK_DIR, CONFIG, CXX and
# CXX_LAUNCHER set:
#   1. docs/tasks.md shows every file of examples/plugin/ as it is (apart from its first line, the
#      file's name, as the environment is the one of the control-task example);
#   2. `cmake --install` into WORK_DIR/prefix;
#   3. a copy of examples/plugin/ is configured against that prefix alone (find_package(Ganglion),
#      nothing else on the command line) and built; nothing of the source tree is on its include path;
#   4. the installed `ganglion` runs the example's config, which loads the plug-in: exit 0 (solved)
#      or 3 (generation limit), and a run folder;
#   5. a program linking the installed libraries (tests/package/client/) builds and runs;
#   6. for each kind (data, control, host), the installed `ganglion new-task` writes a plug-in
#      folder, which is configured against the prefix alone, built (nothing of the source tree on
#      its include path) and run from its own config by the installed program for 3 generations.
foreach(var GANGLION_BUILD_DIR GANGLION_SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "package_test.cmake: ${var} is not set")
  endif()
endforeach()
set(example ${GANGLION_SOURCE_DIR}/examples/plugin)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package test: ${what} failed (${rc}):\n${out}")
  endif()
endfunction()

# 1. The docs' example is this code.
file(READ ${GANGLION_SOURCE_DIR}/docs/tasks.md docs)
file(GLOB files RELATIVE ${example} ${example}/*)
foreach(f ${files})
  file(READ ${example}/${f} text)
  string(FIND "${text}" "\n" eol)
  math(EXPR eol "${eol} + 1")
  string(SUBSTRING "${text}" ${eol} -1 body)
  string(FIND "${docs}" "${body}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "package test: docs/tasks.md does not show examples/plugin/${f} as it is; "
                        "the plug-in section's code and the example must be the same")
  endif()
endforeach()

# 2. Install.
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
set(config_args "")
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()
run("cmake --install" ${CMAKE_COMMAND} --install ${GANGLION_BUILD_DIR} --prefix ${prefix} ${config_args})
foreach(f bin/ganglion include/ganglion/core/task/plugin.hpp lib/cmake/Ganglion/GanglionConfig.cmake
          lib/cmake/Ganglion/GanglionConfigVersion.cmake lib/cmake/Ganglion/GanglionTargets.cmake)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "package test: ${prefix}/${f} was not installed")
  endif()
endforeach()

# 3. Build the plug-in against the installed package.
set(project ${WORK_DIR}/plugin)
file(COPY ${example}/ DESTINATION ${project})
set(tool_args -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
if(CXX)
  list(APPEND tool_args -DCMAKE_CXX_COMPILER=${CXX})
endif()
if(CXX_LAUNCHER)
  list(APPEND tool_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER})
endif()
run("configuring examples/plugin" ${CMAKE_COMMAND} -S ${project} -B ${project}/build -DCMAKE_PREFIX_PATH=${prefix} ${tool_args})
run("building examples/plugin" ${CMAKE_COMMAND} --build ${project}/build)
function(check_no_source_tree build_dir what)
  file(READ ${build_dir}/compile_commands.json commands)
  foreach(dir core evolution gpu experiments)
    string(FIND "${commands}" "${GANGLION_SOURCE_DIR}/${dir}" at)
    string(FIND "${commands}" "-I${GANGLION_SOURCE_DIR} " root)
    if(NOT at EQUAL -1 OR NOT root EQUAL -1)
      message(FATAL_ERROR "package test: ${what} was compiled with the source tree on its include path:\n${commands}")
    endif()
  endforeach()
endfunction()
check_no_source_tree(${project}/build "the plug-in")

# 4. Run it with the installed program: a short run of the example's config.
execute_process(COMMAND ${prefix}/bin/ganglion run mountain_car.yaml --out ${WORK_DIR}/run --generations 3
                        --set population_size=30 --threads 2 -q
                WORKING_DIRECTORY ${project} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT (rc EQUAL 0 OR rc EQUAL 3))
  message(FATAL_ERROR "package test: `ganglion run mountain_car.yaml` with the plug-in failed (${rc}):\n${out}")
endif()
foreach(f config.yaml stats.jsonl best_genome.json)
  if(NOT EXISTS ${WORK_DIR}/run/${f})
    message(FATAL_ERROR "package test: the run folder lacks ${f}:\n${out}")
  endif()
endforeach()
# 5. A program linking the libraries.
set(client ${WORK_DIR}/client)
run("configuring tests/package/client" ${CMAKE_COMMAND} -S ${GANGLION_SOURCE_DIR}/tests/package/client -B ${client}
    -DCMAKE_PREFIX_PATH=${prefix} ${tool_args})
run("building tests/package/client" ${CMAKE_COMMAND} --build ${client})
run("running tests/package/client" ${client}/client)

# 6. `ganglion new-task`: each kind's folder builds against the package and runs as written.
foreach(kind data control host)
  set(folder ${WORK_DIR}/new_${kind})
  run("ganglion new-task gen_${kind} --kind ${kind}" ${prefix}/bin/ganglion new-task gen_${kind} --kind ${kind} --out ${folder})
  foreach(f CMakeLists.txt gen_${kind}.cpp README.md config.yaml)
    if(NOT EXISTS ${folder}/${f})
      message(FATAL_ERROR "package test: new-task --kind ${kind} did not write ${f}")
    endif()
  endforeach()
  run("configuring the new-task ${kind} folder" ${CMAKE_COMMAND} -S ${folder} -B ${folder}/build -DCMAKE_PREFIX_PATH=${prefix} ${tool_args})
  run("building the new-task ${kind} folder" ${CMAKE_COMMAND} --build ${folder}/build)
  check_no_source_tree(${folder}/build "the new-task ${kind} plug-in")
  execute_process(COMMAND ${prefix}/bin/ganglion run config.yaml --out ${folder}/run --generations 3
                          --set population_size=30 --threads 2 -q
                  WORKING_DIRECTORY ${folder} RESULT_VARIABLE rc_new OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT (rc_new EQUAL 0 OR rc_new EQUAL 3))
    message(FATAL_ERROR "package test: `ganglion run config.yaml` of the new-task ${kind} folder failed (${rc_new}):\n${out}")
  endif()
  file(STRINGS ${folder}/run/stats.jsonl generations)
  list(LENGTH generations n)
  if(n LESS 1 OR NOT EXISTS ${folder}/run/best_genome.json)
    message(FATAL_ERROR "package test: the new-task ${kind} run wrote ${n} generations and no best genome:\n${out}")
  endif()
  message(STATUS "package test: new-task --kind ${kind}: built and ran ${n} generations (exit ${rc_new})")
endforeach()

message(STATUS "package test: installed, built examples/plugin against ${prefix}, ran it (exit ${rc}), linked a "
               "program, built and ran a new-task plug-in of each kind")

# `cmake --install build --prefix P` installs:
#   P/include/ganglion/{core,evolution,gpu,experiments}/...  the public headers; the installed targets
#                                                           put P/include/ganglion on the include
#                                                           path, so clients write the same
#                                                           #include "core/task/task.hpp" as the tree
#   P/lib/libganglion_{core,evolution,gpu}.a                static, position-independent libraries
#   P/lib/ganglion/experiments/...                          the built-in tasks (object files)
#   P/bin/ganglion                                          the program (it also loads task plug-ins)
#   P/lib/cmake/Ganglion/                                   the package for find_package(Ganglion):
#     Ganglion::core, ::evolution, ::gpu, ::experiments, ::plugin (headers only, for task
#     plug-ins), ::ganglion (the program), ::options and ::deps (their shared usage requirements)
include(CMakePackageConfigHelpers)

set(GANGLION_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Ganglion)
set(GANGLION_HEADER_DIR ${CMAKE_INSTALL_INCLUDEDIR}/ganglion)

install(TARGETS ganglion_core ganglion_evolution ganglion_gpu ganglion_experiments
                ganglion_plugin ganglion_options ganglion_deps ganglion
        EXPORT GanglionTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/ganglion/experiments
        FILE_SET HEADERS DESTINATION ${GANGLION_HEADER_DIR})
install(EXPORT GanglionTargets NAMESPACE Ganglion:: DESTINATION ${GANGLION_CMAKE_DIR})

# What GanglionConfig.cmake must find again for the exported targets.
set(GANGLION_CUDA_TOOLKIT_ROOT "")
if(GANGLION_HAVE_CUDA)
  get_filename_component(GANGLION_CUDA_TOOLKIT_ROOT "${CUDAToolkit_BIN_DIR}" DIRECTORY)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/GanglionConfig.cmake.in
  ${PROJECT_BINARY_DIR}/GanglionConfig.cmake INSTALL_DESTINATION ${GANGLION_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/GanglionConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/GanglionConfig.cmake ${PROJECT_BINARY_DIR}/GanglionConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/Findxxhash.cmake
        DESTINATION ${GANGLION_CMAKE_DIR})

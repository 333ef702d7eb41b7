# The control-socket client library for other programs (client/scmp_client.h):
# libscmp-super-client.a, its header in include/scmp-super/ and
# scmp-super-client.pc, installed by `cmake --install` in the component
# client-dev. Included from CMakeLists.txt.
#
# Static only: the header exposes cJSON in its signatures and the protocol
# is at version 1 of a project at 0.x, so there is no ABI to promise under a
# SONAME yet; a program links what it was built against.
#
# The archive holds one object: scmp_client.c and the two helpers of
# supervisor/base/ it calls, linked together, with every symbol but the
# scmp_client_* functions made local. A program with its own error_set()
# or unix_connect() then neither clashes with ours nor silently lends us
# its own. Built without sanitizers and without LTO, so that any compiler
# can link it, and position-independent, so that a shared object can.
include(GNUInstallDirs)

add_library(scmp_client_public_objects OBJECT
  ${CMAKE_SOURCE_DIR}/client/scmp_client.c
  ${CMAKE_SOURCE_DIR}/supervisor/base/error.c
  ${CMAKE_SOURCE_DIR}/supervisor/base/unix_socket.c)
target_include_directories(scmp_client_public_objects PRIVATE
  ${CMAKE_SOURCE_DIR}/client ${CMAKE_SOURCE_DIR}/supervisor)
target_link_libraries(scmp_client_public_objects PRIVATE PkgConfig::CJSON)
set_target_properties(scmp_client_public_objects PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_compile_options(scmp_client_public_objects PRIVATE -fno-sanitize=all -fno-lto)

set(SCMP_CLIENT_ARCHIVE ${CMAKE_BINARY_DIR}/libscmp-super-client.a)
set(SCMP_CLIENT_OBJECT ${CMAKE_BINARY_DIR}/scmp-super-client.o)
add_custom_command(OUTPUT ${SCMP_CLIENT_ARCHIVE}
  COMMAND ${CMAKE_C_COMPILER} -r -nostdlib -fno-lto -o ${SCMP_CLIENT_OBJECT}
          $<TARGET_OBJECTS:scmp_client_public_objects>
  COMMAND ${CMAKE_OBJCOPY} --wildcard --keep-global-symbol=scmp_client_* ${SCMP_CLIENT_OBJECT}
  COMMAND ${CMAKE_COMMAND} -E rm -f ${SCMP_CLIENT_ARCHIVE}
  COMMAND ${CMAKE_AR} qc ${SCMP_CLIENT_ARCHIVE} ${SCMP_CLIENT_OBJECT}
  COMMAND ${CMAKE_RANLIB} ${SCMP_CLIENT_ARCHIVE}
  DEPENDS scmp_client_public_objects $<TARGET_OBJECTS:scmp_client_public_objects>
  COMMAND_EXPAND_LISTS
  COMMENT "Linking the installable client library libscmp-super-client.a")
add_custom_target(scmp_client_archive ALL DEPENDS ${SCMP_CLIENT_ARCHIVE})

install(FILES ${SCMP_CLIENT_ARCHIVE} DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT client-dev)
install(FILES ${CMAKE_SOURCE_DIR}/client/scmp_client.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/scmp-super COMPONENT client-dev)
# The .pc file names the prefix it is installed under, which `cmake
# --install --prefix` may change after configuring: it is written at install
# time (cmake/client-pc.cmake), then installed like any other file.
install(CODE "
  set(PC_TEMPLATE \"${CMAKE_SOURCE_DIR}/cmake/scmp-super-client.pc.in\")
  set(PC_OUTPUT \"${CMAKE_BINARY_DIR}/scmp-super-client.pc\")
  set(PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(PC_VERSION \"${PROJECT_VERSION}\")
  include(\"${CMAKE_SOURCE_DIR}/cmake/client-pc.cmake\")" COMPONENT client-dev)
install(FILES ${CMAKE_BINARY_DIR}/scmp-super-client.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT client-dev)

# What 'cmake --install' puts beside the binary: the man pages, the bash
# completion, the systemd units and the documents they point to. Included
# from CMakeLists.txt; every path follows GNUInstallDirs, so a packager's
# -DCMAKE_INSTALL_PREFIX=/usr (and DESTDIR) puts them where Debian does.
include(GNUInstallDirs)

set(SCMP_SUPER_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
  "Where the systemd units go: relative to the install prefix, or absolute")
set(SCMP_SUPER_BASH_COMPLETIONDIR "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
  CACHE STRING "Where the bash completion goes: relative to the prefix, or absolute")

install(FILES ${CMAKE_SOURCE_DIR}/man/scmp-super.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/man/scmp-super-profile.5
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_SOURCE_DIR}/contrib/bash-completion/scmp-super
        DESTINATION ${SCMP_SUPER_BASH_COMPLETIONDIR})
# The units' Documentation= names DEPLOYMENT.md; the man pages name the rest.
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/SECURITY.md
              ${CMAKE_SOURCE_DIR}/docs/DAEMON.md ${CMAKE_SOURCE_DIR}/docs/DEPLOYMENT.md
              ${CMAKE_SOURCE_DIR}/docs/PROTOCOL.md ${CMAKE_SOURCE_DIR}/docs/TRACE.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The units in contrib/systemd name the binary and the documents where a
# by-hand install puts them (/usr/local, docs/DEPLOYMENT.md); they are
# rewritten for the prefix in effect when installing, which 'cmake --install
# --prefix' may change after configuring, so the rewrite runs then.
install(CODE "
  set(SCMP_SUPER_UNITS_SOURCE \"${CMAKE_SOURCE_DIR}/contrib/systemd\")
  set(SCMP_SUPER_UNITS_BUILD \"${CMAKE_BINARY_DIR}/systemd\")
  set(SCMP_SUPER_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(SCMP_SUPER_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
  set(SCMP_SUPER_UNITDIR \"${SCMP_SUPER_SYSTEMD_UNITDIR}\")
  include(\"${CMAKE_SOURCE_DIR}/cmake/install_units.cmake\")
")

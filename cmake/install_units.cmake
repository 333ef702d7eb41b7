# Run by 'cmake --install' (install_extras.cmake): writes the systemd units
# of contrib/systemd with the installed binary's and documents' paths, and
# installs them. CMAKE_INSTALL_PREFIX is the prefix of this install.
foreach(dir BINDIR DOCDIR UNITDIR)
  if(IS_ABSOLUTE "${SCMP_SUPER_${dir}}")
    set(full_${dir} "${SCMP_SUPER_${dir}}")
  else()
    set(full_${dir} "${CMAKE_INSTALL_PREFIX}/${SCMP_SUPER_${dir}}")
  endif()
endforeach()

file(MAKE_DIRECTORY "${SCMP_SUPER_UNITS_BUILD}")
set(units)
foreach(unit scmp-super.service scmp-super.socket)
  file(READ "${SCMP_SUPER_UNITS_SOURCE}/${unit}" text)
  string(REPLACE "/usr/local/bin/scmp-super" "${full_BINDIR}/scmp-super" text "${text}")
  string(REPLACE "file:///usr/local/share/doc/scmp-super/" "file://${full_DOCDIR}/"
         text "${text}")
  file(WRITE "${SCMP_SUPER_UNITS_BUILD}/${unit}" "${text}")
  list(APPEND units "${SCMP_SUPER_UNITS_BUILD}/${unit}")
endforeach()
# file(INSTALL) adds DESTDIR and records the files in install_manifest.txt.
file(INSTALL DESTINATION "${full_UNITDIR}" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES ${units})

# Run by `cmake --install` (cmake/client-library.cmake): writes
# scmp-super-client.pc for the prefix being installed into. PC_TEMPLATE,
# PC_OUTPUT, PC_LIBDIR, PC_INCLUDEDIR and PC_VERSION are set by the caller;
# CMAKE_INSTALL_PREFIX is the prefix of this installation.
set(prefix "${CMAKE_INSTALL_PREFIX}")
# GNUInstallDirs' directories are relative to the prefix unless a packager
# gave absolute ones.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${PC_${dir}}")
    set(pc_${dir} "${PC_${dir}}")
  else()
    set(pc_${dir} "\${prefix}/${PC_${dir}}")
  endif()
endforeach()
configure_file("${PC_TEMPLATE}" "${PC_OUTPUT}" @ONLY)

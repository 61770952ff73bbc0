# The Debian package: `cmake --build build --target package` (or `cd build && cpack`) writes
# build/pc5check_<version>_<arch>.deb from the install rules (checker/CMakeLists.txt). Runtime
# dependencies are computed by dpkg-shlibdeps from the libraries the binary links (libz3, libssl, ...),
# not listed by hand. tests/integration/package_test.sh builds it, unpacks it into a scratch root, runs
# the unpacked binary on the corpus, renders its manual page and lints it with lintian.
include(GNUInstallDirs)

set(PC5CHECK_DEB_DOC ${PROJECT_BINARY_DIR}/deb-doc)
# Debian policy 12.5 / 12.7: a binary package carries its copyright file and a compressed changelog
# (changelog.gz: the version has no Debian revision, so the package is native).
file(MAKE_DIRECTORY ${PC5CHECK_DEB_DOC})
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/copyright ${PC5CHECK_DEB_DOC}/copyright COPYONLY)
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in ${PC5CHECK_DEB_DOC}/changelog @ONLY)
execute_process(COMMAND gzip -9nf ${PC5CHECK_DEB_DOC}/changelog RESULT_VARIABLE gzip_rc)
if(NOT gzip_rc EQUAL 0)
    message(FATAL_ERROR "packaging: gzip of the Debian changelog failed (${gzip_rc})")
endif()
install(FILES ${PC5CHECK_DEB_DOC}/copyright ${PC5CHECK_DEB_DOC}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT Unspecified)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pc5check)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "conformance checker for PC5 unicast link re-keying traces")
# The extended description; CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY before it as the synopsis.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "pc5check replays captured 5G sidelink (ProSe / V2X) PC5 re-keying message\n\
traces against an executable reference model of the procedure of\n\
TS 33.536 / TS 24.554 and of the TR 33.847 seed solution, recomputes keys\n\
and MAC-Is, and reports which rule broke, at which message, with the 3GPP\n\
clause. With the Z3 solver it checks partial captures and proves or refutes\n\
the procedure's security properties.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # pc5check_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "pc5check developers <pc5check@lists.pc5check.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)

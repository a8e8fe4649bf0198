# Helpers shared by every test folder.
#
# xarb_doctest(NAME SOURCES... LIBS ...): a doctest binary (one file of it
# defines DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN or links xarb_doctest_main), and
# one ctest entry per doctest test suite is not needed: doctest prints its own
# summary, ctest sees one entry per binary.
add_library(xarb_doctest_main STATIC ${CMAKE_CURRENT_LIST_DIR}/doctest_main.cpp)
target_link_libraries(xarb_doctest_main PUBLIC doctest::doctest xarb_options)

function(xarb_doctest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE xarb_doctest_main ${ARG_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()

# Build helpers shared by every eisgrid target.

# Warnings are errors on our own code only; third-party headers come in as SYSTEM.
function(eisgrid_warnings target)
  # GCC 12 reports -Wrestrict on ordinary std::string concatenation at -O3
  # (a false positive, GCC bug 105329), so that one warning stays off there.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
endfunction()

if(EISGRID_SANITIZE)
  # -O1, as AddressSanitizer's documentation advises: the sanitized tests of the
  # fits ran 7x faster than at -O0 (fit.models 167 s -> 22 s, cli.fit_models
  # 165 s -> 24 s). GCC 12 then reports -Wmaybe-uninitialized inside
  # libstdc++'s std::regex under ASan, a known false positive of sanitized
  # builds; the release build keeps that warning.
  add_compile_options(-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  add_link_options(-fsanitize=address,undefined)
  # Executables not position-independent: the sanitizers' metadata are pointers
  # that a PIE's loader relocates at every start (1.6 million for the CLI), and
  # the tests start the CLI hundreds of times. Its start took 0.52 s of processor
  # time as a PIE and 0.28 s without (measured, `eisgrid --version`).
  add_link_options($<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>)
endif()

# eisgrid_module(npz SOURCES a.cpp b.cpp DEPS eisgrid::model) defines eisgrid_npz and eisgrid::npz.
function(eisgrid_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(eisgrid_${name} STATIC ${ARG_SOURCES})
  add_library(eisgrid::${name} ALIAS eisgrid_${name})
  target_include_directories(eisgrid_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(eisgrid_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  eisgrid_warnings(eisgrid_${name})
endfunction()

# eisgrid_add_test(npz reader) builds tests/npz/reader_test.cpp against eisgrid::npz.
function(eisgrid_add_test module file)
  cmake_parse_arguments(ARG "" "" "DEPS;LABELS" ${ARGN})
  set(target ${module}_${file}_test)
  add_executable(${target} ${CMAKE_CURRENT_SOURCE_DIR}/${module}/${file}_test.cpp)
  target_link_libraries(${target} PRIVATE eisgrid::${module} ${ARG_DEPS} GTest::gtest_main)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${target} PRIVATE
    EISGRID_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    EISGRID_FIXTURES_DIR="${EISGRID_FIXTURES_DIR}"
    EISGRID_CLI_PATH="$<$<TARGET_EXISTS:eisgrid>:$<TARGET_FILE:eisgrid>>")
  eisgrid_warnings(${target})
  add_test(NAME ${module}.${file} COMMAND ${target})
  set_tests_properties(${module}.${file} PROPERTIES LABELS "${module};${ARG_LABELS}" TIMEOUT 900)
endfunction()

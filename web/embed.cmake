# Writes OUTPUT, a C++ source holding the dashboard's files (web/*.html, *.css, *.js, *.svg) as
# byte arrays with their SHA-256 (the ETag), so `serve` carries its page and needs no files at
# run time. Run by lib/CMakeLists.txt at build time: cmake -DWEB_DIR=... -DOUTPUT=... -P embed.cmake
file(GLOB files RELATIVE ${WEB_DIR} ${WEB_DIR}/*.html ${WEB_DIR}/*.css ${WEB_DIR}/*.js
     ${WEB_DIR}/*.svg)
list(SORT files)
set(arrays "")
set(table "")
set(index 0)
foreach(name IN LISTS files)
  file(READ ${WEB_DIR}/${name} hex HEX)
  file(SHA256 ${WEB_DIR}/${name} digest)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){24})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays "const unsigned char kFile${index}[] = {\n    ${bytes}0x00};\n")
  string(APPEND table "    {\"${name}\", kFile${index}, ${size}, \"${digest}\"},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from web/ by web/embed.cmake: do not edit.
#include \"service/web_assets.h\"

namespace pipeline::service {
namespace {
${arrays}}  // namespace

const EmbeddedFile kEmbeddedFiles[] = {
${table}};
const size_t kEmbeddedFileCount = ${index};

}  // namespace pipeline::service
")
# Only a changed table is rewritten (CMake 3.18 has no file(COPY_FILE)).
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
file(REMOVE ${OUTPUT}.tmp)

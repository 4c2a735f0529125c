# Turn the hook scripts in hooks/ into a C header, so that the awm binary
# carries them and `awm hooks install` does not depend on a source tree.
#   cmake -DSRC=<hooks dir> -DOUT=<header> -DNAMES=pre-commit,pre-push -P embed_hooks.cmake
string(REPLACE "," ";" NAMES "${NAMES}")
set(text "/* Generated from hooks/ by cmake/embed_hooks.cmake; do not edit. */\n")
foreach(name ${NAMES})
  file(READ "${SRC}/${name}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
         "\\1\n\t" bytes "${bytes}")
  string(MAKE_C_IDENTIFIER "${name}" ident)
  string(APPEND text "static const char awm_hook_script_${ident}[] = {\n\t${bytes}0x00\n};\n")
endforeach()
file(WRITE "${OUT}" "${text}")

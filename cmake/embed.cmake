# Turns the JSON file IN into a C file OUT defining policy_default_profile.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* Generated from examples/default.json; do not edit. */\n"
  "const char policy_default_profile[] = {${bytes} 0x00};\n")

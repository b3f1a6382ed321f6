{
  "targets": [
    {
      "target_name": "packet",
      "sources": ["packet.c"],
      "cflags": ["-Wall", "-Wextra", "-Werror", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}

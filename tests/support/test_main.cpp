// doctest's main for every Smith test executable.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <nats/nats.h>

int main(int argc, char** argv) {
  doctest::Context ctx;
  ctx.applyCommandLine(argc, argv);
  int rc = ctx.run();
  // Stops nats.c's library threads so sanitizers see a quiet process at exit.
  nats_Close();
  return rc;
}

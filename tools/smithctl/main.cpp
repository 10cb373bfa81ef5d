// smithctl: inspect and manage a Smith cluster over NATS (see docs/smithctl.md).
#include "tools/smithctl/ctl_app.hpp"

int main(int argc, char** argv) {
  return smith::ctl::run(argc, argv);
}

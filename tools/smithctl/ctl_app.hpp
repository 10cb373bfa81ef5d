// smithctl's command line (CLI11): parses argv and runs one verb.
#pragma once

namespace smith::ctl {

/// Runs smithctl; returns the process exit code (0 ok, 1 not found/refused, 64 usage,
/// 69 cluster unreachable within --timeout).
int run(int argc, char** argv);

} // namespace smith::ctl

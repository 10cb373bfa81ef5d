// doctest's main for every Smith test executable.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string_view>

#include <nats/nats.h>

namespace {

/// Counts the test cases that start. ctest runs one case per process by name; a name that
/// matches nothing (doctest_discover_tests cuts names at ';') would otherwise pass silently.
struct case_counter : doctest::IReporter {
  static inline int started = 0;
  explicit case_counter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++started; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("smith_case_counter", 1, case_counter);

bool has_case_filter(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg{argv[i]};
    if (arg.find("-tc=") != std::string_view::npos || arg.find("--test-case=") != std::string_view::npos)
      return true;
  }
  return false;
}

} // namespace

int main(int argc, char** argv) {
  doctest::Context ctx;
  ctx.applyCommandLine(argc, argv);
  int rc = ctx.run();
  // Stops nats.c's library threads so sanitizers see a quiet process at exit.
  nats_Close();
  if (rc == 0 && !ctx.shouldExit() && has_case_filter(argc, argv) && case_counter::started == 0) {
    std::fprintf(stderr, "no test case matched the filter (a name with ';' cannot be run by ctest)\n");
    return 1;
  }
  return rc;
}

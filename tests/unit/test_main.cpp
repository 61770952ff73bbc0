/// \file Test runner: doctest's main, plus a guard against vacuous runs. ctest runs one test case per
/// process (doctest_discover_tests with --test-case=NAME); if a name ever stops matching (a renamed
/// test, a ';' splitting a name), doctest would run nothing and exit 0. Here that is a failure.
#define DOCTEST_CONFIG_IMPLEMENT
#include <cstdio>
#include <doctest/doctest.h>

namespace {

unsigned g_test_cases_run = 0;

/// Records how many test cases passed the command-line filters.
struct RunGuard : doctest::IReporter {
    explicit RunGuard(const doctest::ContextOptions& /*options*/) {}
    void report_query(const doctest::QueryData& /*data*/) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& stats) override
    {
        g_test_cases_run = stats.numTestCasesPassingFilters;
    }
    void test_case_start(const doctest::TestCaseData& /*data*/) override {}
    void test_case_reenter(const doctest::TestCaseData& /*data*/) override {}
    void test_case_end(const doctest::CurrentTestCaseStats& /*stats*/) override {}
    void test_case_exception(const doctest::TestCaseException& /*e*/) override {}
    void subcase_start(const doctest::SubcaseSignature& /*signature*/) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData& /*data*/) override {}
    void log_message(const doctest::MessageData& /*data*/) override {}
    void test_case_skipped(const doctest::TestCaseData& /*data*/) override {}
};

} // namespace

REGISTER_LISTENER("run-guard", 1, RunGuard);

int main(int argc, char** argv)
{
    doctest::Context context(argc, argv);
    const int result = context.run();
    if (context.shouldExit()) {
        return result; // --help, --list-test-cases, ...
    }
    if (result == 0 && g_test_cases_run == 0) {
        std::fprintf(stderr,
                     "test runner: no test case matched the filters; failing instead of passing vacuously\n");
        return 1;
    }
    return result;
}

#include "smt/cross_check.h"

#include "pc5check/common/error.h"
#include "smt/z3_assign.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

extern char**
    environ; // NOLINT(readability-redundant-declaration): POSIX leaves its declaration to the caller

namespace pc5check::smt::detail {

namespace {

/// The output (stdout and stderr) and exit status of `argv`, or nullopt-like empty status with `error`.
struct Run {
    bool started = false;
    std::string output;
    int status = 0;
    std::string error;
};

Run run_program(const std::vector<std::string>& argv)
{
    Run r;
    std::array<int, 2> pipe_fds{};
    if (pipe(pipe_fds.data()) != 0) {
        r.error = std::string("pipe: ") + std::strerror(errno);
        return r;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    std::vector<std::string> copies = argv; // posix_spawnp takes char* const[]
    std::vector<char*> args;
    args.reserve(copies.size() + 1);
    for (auto& a : copies) {
        args.push_back(a.data());
    }
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, copies.front().c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (rc != 0) {
        close(pipe_fds[0]);
        r.error = "cannot run " + argv.front() + ": " + std::strerror(rc);
        return r;
    }
    r.started = true;
    std::array<char, 4096> buffer{};
    for (;;) {
        const ssize_t n = read(pipe_fds[0], buffer.data(), buffer.size());
        if (n > 0) {
            r.output.append(buffer.data(), static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(pipe_fds[0]);
    while (waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {
    }
    return r;
}

/// The first non-empty line of `text`, trimmed.
std::string first_line(const std::string& text)
{
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
            line.pop_back();
        }
        if (!line.empty()) {
            return line;
        }
        start = end + 1;
    }
    return "";
}

/// `e` with every application of Z3's `subset` on arrays (which SMT-LIB 2 has no name for) replaced by
/// its definition, a quantifier over the elements: (subset a b) is (forall ((x T)) (=> (select a x)
/// (select b x))). Memoised by expression id: the encoding's terms are shared DAGs.
class SubsetAsQuantifier {
  public:
    explicit SubsetAsQuantifier(z3::context& ctx) : ctx_(ctx) {}

    z3::expr operator()(const z3::expr& e)
    {
        if (!e.is_app()) {
            return e; // a quantifier or bound variable: the encoding makes none
        }
        const unsigned id = e.id();
        if (const auto it = done_.find(id); it != done_.end()) {
            return it->second;
        }
        z3::expr_vector args(ctx_);
        for (unsigned i = 0; i < e.num_args(); ++i) {
            args.push_back((*this)(e.arg(i)));
        }
        z3::expr out = e;
        if (e.decl().decl_kind() == Z3_OP_SET_SUBSET) {
            const z3::expr x = ctx_.constant("element!subset", args[0].get_sort().array_domain());
            assign(out, z3::forall(x, z3::implies(z3::select(args[0], x), z3::select(args[1], x))));
        } else if (e.num_args() > 0) {
            assign(out, e.decl()(args));
        }
        done_.emplace(id, out);
        return out;
    }

  private:
    z3::context& ctx_;
    std::unordered_map<unsigned, z3::expr> done_;
};

/// The SMT-LIB 2 text of what `solver` asserts, in a form any SMT-LIB solver reads (see
/// SubsetAsQuantifier).
std::string exported_query(z3::solver& solver)
{
    const z3::expr_vector assertions = solver.assertions();
    SubsetAsQuantifier rewrite(solver.ctx());
    z3::solver out(solver.ctx());
    for (unsigned i = 0; i < assertions.size(); ++i) {
        out.add(rewrite(assertions[static_cast<int>(i)]));
    }
    return out.to_smt2();
}

} // namespace

CrossCheckAnswer cross_check_unsat(z3::solver& solver, const std::string& name, const std::string& comment,
                                   const CrossCheckSetup& setup)
{
    CrossCheckAnswer answer;
    answer.file = setup.dir + "/" + name + ".smt2";
    const std::string query = exported_query(solver);
    {
        std::ofstream out(answer.file);
        // Every line of the comment as an SMT-LIB comment; the logic is ALL: the encoding uses integers,
        // arrays and uninterpreted functions (SMT-LIB 2.6 names no smaller logic with all three and
        // quantifier-free non-linear facts aside).
        std::size_t start = 0;
        while (start <= comment.size()) {
            const std::size_t end = std::min(comment.find('\n', start), comment.size());
            out << "; " << comment.substr(start, end - start) << "\n";
            start = end + 1;
        }
        out << "(set-logic ALL)\n" << query << "(exit)\n";
        if (!out) {
            throw CrossCheckDisagreement("cannot write the cross-check query " + answer.file);
        }
    }
    // Z3 prints its other set operations on arrays (`union`, ...) with `as`: no SMT-LIB 2 form (`subset` is
    // written as its definition by exported_query).
    for (const char* op : {"(as union ", "(as intersection ", "(as difference ", "(as complement "}) {
        if (query.find(op) != std::string::npos) {
            answer.detail = std::string("not asked: the query uses Z3's set operation '") + (op + 4) +
                            "' on arrays, which SMT-LIB 2 has no form of";
            return answer;
        }
    }
    const Run r = run_program(
        {setup.solver, "--lang=smt2", "--tlimit=" + std::to_string(setup.timeout_ms), answer.file});
    if (!r.started) {
        throw CrossCheckDisagreement(r.error + " (query " + answer.file + ")");
    }
    answer.detail = first_line(r.output);
    if (answer.detail == "unsat") {
        answer.kind = CrossCheckAnswer::Kind::confirmed;
        return answer;
    }
    if (answer.detail == "sat") {
        throw CrossCheckDisagreement("Z3 and " + setup.solver + " disagree: Z3 answered unsat, " +
                                     setup.solver + " sat, on " + answer.file);
    }
    if (answer.detail == "unknown" || answer.detail.find("interrupted") != std::string::npos ||
        answer.detail.find("timeout") != std::string::npos ||
        answer.detail.find("resourceout") != std::string::npos) {
        answer.kind = CrossCheckAnswer::Kind::unknown;
        return answer;
    }
    // Anything else (a parse error): the exported file is not the self-contained query it must be.
    throw CrossCheckDisagreement(setup.solver + " could not read the cross-check query " + answer.file +
                                 ": " + (answer.detail.empty() ? "no output" : answer.detail));
}

CrossCheckSetup cross_check_setup(const SystemOptions& options, long long ms_left)
{
    PC5CHECK_ASSERT(options.cross_check_dir.has_value());
    return CrossCheckSetup{*options.cross_check_dir, options.cross_check_solver,
                           static_cast<unsigned>(std::max<long long>(ms_left, 1'000))};
}

std::string cross_check_solver_problem(const std::string& solver)
{
    const Run r = run_program({solver, "--version"});
    if (!r.started) {
        return r.error;
    }
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
        return solver + " --version failed: " + first_line(r.output);
    }
    return "";
}

} // namespace pc5check::smt::detail

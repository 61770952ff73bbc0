#pragma once
/// \file Expression AST -> Z3 terms (private to checker/src/smt).

#include "pc5check/expr/ast.h"
#include "pc5check/expr/expr.h"
#include "smt/functions.h"

#include <map>
#include <string>
#include <z3++.h>

namespace pc5check::smt {

/// Translates typed expression trees of one spec into terms of one Z3 context.
class Encoder {
  public:
    explicit Encoder(z3::context& ctx);

    /// The Z3 term of a typed tree. Variables become constants named after them; side constraints
    /// (enum ranges, distinct byte literals) accumulate in constraints().
    [[nodiscard]] z3::expr encode(const expr::Node& node);
    /// Constraints every model must satisfy (enum ranges, literal distinctness).
    [[nodiscard]] const z3::expr_vector& constraints() const { return constraints_; }

  private:
    z3::context& ctx_;
    z3::sort bytes_sort_;
    z3::expr_vector constraints_;
    std::map<std::string, z3::expr> variables_;
    UninterpretedFunctions functions_;
    std::map<std::vector<std::uint8_t>, z3::expr> byte_literals_;
    std::map<std::string, z3::expr> absents_;
    unsigned fresh_ = 0;

    [[nodiscard]] z3::sort sort_of(const expr::Type& t);
    [[nodiscard]] z3::expr variable(const std::string& name, const expr::Type& t);
    [[nodiscard]] z3::expr literal(const expr::Value& v, const expr::Type& t);
    [[nodiscard]] z3::expr absent_of(const expr::Type& t);
    [[nodiscard]] z3::expr fresh(const expr::Type& t);
    [[nodiscard]] z3::expr binary(const expr::Node& node);
    [[nodiscard]] z3::expr call(const expr::Node& node);
};

} // namespace pc5check::smt

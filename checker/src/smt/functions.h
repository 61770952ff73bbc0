#pragma once
/// \file Uninterpreted functions of one Z3 context (private to checker/src/smt): crypto, key look-ups
/// and the operators kept abstract, of the one Z3 encoding (encoding.h).

#include <map>
#include <string>
#include <vector>
#include <z3++.h>

namespace pc5check::smt {

/// One uninterpreted function per name and argument sorts (builtins such as size() apply to several).
class UninterpretedFunctions {
  public:
    /// `ctx` outlives this object.
    explicit UninterpretedFunctions(z3::context& ctx) : ctx_(&ctx) {}

    /// `name(args)` with result sort `result`, the function declared on first use.
    [[nodiscard]] z3::expr apply(const std::string& name, const std::vector<z3::expr>& args,
                                 const z3::sort& result)
    {
        // The declared name must be a valid SMT-LIB 2 symbol when quoted (--cross-check exports the
        // queries): no '|' or '\\', which operator names such as `op|` have.
        std::string key;
        for (const char c : name) {
            key += c == '|' ? std::string("_bar_") : c == '\\' ? std::string("_bs_") : std::string(1, c);
        }
        for (const auto& a : args) {
            key += "@" + a.get_sort().to_string();
        }
        auto it = functions_.find(key);
        z3::expr_vector values(*ctx_);
        z3::sort_vector domain(*ctx_);
        for (const auto& a : args) {
            values.push_back(a);
            domain.push_back(a.get_sort());
        }
        if (it == functions_.end()) {
            it = functions_.emplace(key, ctx_->function(key.c_str(), domain, result)).first;
        }
        return it->second(values);
    }

  private:
    z3::context* ctx_;
    std::map<std::string, z3::func_decl> functions_;
};

} // namespace pc5check::smt

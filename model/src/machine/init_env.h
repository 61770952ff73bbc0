#pragma once
/// \file Private to the machine module: the names a state variable's initialiser reads (the trace's
/// `init.*` values, then the spec's parameters), for the machine of a trace and, with no `init.*` values,
/// for the Program that computes the initialisers which read nothing of the trace.

#include "pc5check/common/error.h"
#include "pc5check/expr/expr.h"
#include "pc5check/machine/program.h"

#include <string>
#include <unordered_map>

namespace pc5check::machine::detail {

/// Variables visible to state-variable initialisers.
class InitEnv final : public expr::Env {
  public:
    InitEnv(const std::unordered_map<std::string, expr::Value>& init, const Program& program)
        : init_(init), program_(program)
    {
    }
    [[nodiscard]] expr::Value lookup(const std::string& name) const override
    {
        if (const expr::Value* v = value(name)) {
            return *v;
        }
        PC5CHECK_ASSERT(false && "unknown initialiser name");
        return expr::Value::unknown(name);
    }
    /// The value where it is kept: an operand read in place rather than copied (a key compared).
    [[nodiscard]] const expr::Value* find(const expr::Node& variable) const override
    {
        return value(variable.name);
    }

  private:
    [[nodiscard]] const expr::Value* value(const std::string& name) const
    {
        if (const auto it = init_.find(name); it != init_.end()) {
            return &it->second;
        }
        return program_.param(name);
    }

    const std::unordered_map<std::string, expr::Value>& init_;
    const Program& program_;
};

} // namespace pc5check::machine::detail

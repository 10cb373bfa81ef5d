// Validation of supervisor specs, following OTP's check_flags/check_childspec.
#include "runtime/supervision/supervisor_spec.hpp"

#include <set>

#include "runtime/core/token.hpp"
#include "runtime/supervision/supervision_errc.hpp"

namespace smith::supervision {

namespace {

caf::error spec_error(supervision_errc code, const std::string& where, const std::string& what) {
  return caf::make_error(code, where + ": " + what);
}

caf::error validate_flags(const supervisor_spec& spec) {
  const auto& f = spec.flags;
  if (f.intensity < 0)
    return spec_error(supervision_errc::invalid_spec, spec.path,
                      "intensity must be >= 0, got " + std::to_string(f.intensity));
  if (f.period.count() <= 0)
    return spec_error(supervision_errc::invalid_spec, spec.path,
                      "period must be > 0 ms, got " + std::to_string(f.period.count()));
  return {};
}

caf::error validate_backoff(const backoff_spec& b, const std::string& where) {
  if (!b.enabled())
    return {};
  if (b.max.count() > 0 && b.max < b.initial)
    return spec_error(supervision_errc::invalid_spec, where, "backoff max is below backoff initial");
  if (b.multiplier < 1.0)
    return spec_error(supervision_errc::invalid_spec, where, "backoff multiplier must be >= 1");
  if (b.jitter < 0.0 || b.jitter > 1.0)
    return spec_error(supervision_errc::invalid_spec, where, "backoff jitter must be in [0, 1]");
  return {};
}

} // namespace

caf::error validate(const child_spec& child, const supervisor_flags& flags) {
  auto where = "child '" + child.id + "'";
  if (auto why = token_error(child.id))
    return spec_error(supervision_errc::invalid_spec, where, "id " + *why);
  if (!child.start)
    return spec_error(supervision_errc::invalid_spec, where, "missing start function");
  if (child.significant && flags.auto_shutdown_ == auto_shutdown::never)
    return spec_error(supervision_errc::bad_combination, where,
                      "significant=true requires auto_shutdown other than never");
  if (child.significant && child.restart == restart_type::permanent)
    return spec_error(supervision_errc::bad_combination, where,
                      "significant=true cannot be combined with restart=permanent");
  if (child.shutdown.kind == shutdown_spec::mode::timeout && child.shutdown.timeout.count() < 0)
    return spec_error(supervision_errc::invalid_spec, where, "shutdown timeout must be >= 0");
  return validate_backoff(child.backoff, where);
}

caf::error validate(const supervisor_spec& spec) {
  if (auto err = validate_flags(spec))
    return err;
  std::set<std::string> ids;
  for (auto& child : spec.children) {
    if (auto err = validate(child, spec.flags))
      return err;
    if (!ids.insert(child.id).second)
      return spec_error(supervision_errc::duplicate_child_id, spec.path,
                        "child id '" + child.id + "' appears twice");
  }
  return {};
}

const char* to_string(strategy x) {
  switch (x) {
    case strategy::one_for_one: return "one_for_one";
    case strategy::one_for_all: return "one_for_all";
    case strategy::rest_for_one: return "rest_for_one";
  }
  return "unknown";
}

const char* to_string(auto_shutdown x) {
  switch (x) {
    case auto_shutdown::never: return "never";
    case auto_shutdown::any_significant: return "any_significant";
    case auto_shutdown::all_significant: return "all_significant";
  }
  return "unknown";
}

} // namespace smith::supervision

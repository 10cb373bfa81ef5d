// Validation of supervisor specs, following OTP's check_flags/check_childspec.
#include "runtime/supervision/supervisor_spec.hpp"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

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

/// The position (in start order: children, then each group's ids) of the first child whose
/// id an earlier child has, or npos. The ids are sorted by hash, not by text (a pool's ids
/// share long prefixes, and sorting 100k of them took about 1 300 instructions per id), and
/// compared only within a run of equal hashes.
size_t first_duplicate_id(const supervisor_spec& spec) {
  struct key {
    size_t hash;
    size_t pos;
    const std::string* id;
    bool operator<(const key& other) const noexcept {
      return hash != other.hash ? hash < other.hash : pos < other.pos;
    }
  };
  std::vector<key> keys;
  size_t n = spec.children.size();
  for (auto& g : spec.groups)
    n += g.ids.size();
  keys.reserve(n);
  std::hash<std::string_view> hash;
  for (auto& c : spec.children)
    keys.push_back({hash(c.id), keys.size(), &c.id});
  for (auto& g : spec.groups)
    for (auto& id : g.ids)
      keys.push_back({hash(id), keys.size(), &id});
  std::sort(keys.begin(), keys.end());
  auto first = std::string::npos;
  for (size_t k = 1; k < keys.size(); ++k)
    for (size_t j = k; j-- > 0 && keys[j].hash == keys[k].hash;)
      if (*keys[j].id == *keys[k].id) { // keys[k] comes later: it is the repeat
        first = std::min(first, keys[k].pos);
        break; // so that a run of one id repeated is walked once
      }
  return first;
}

caf::error duplicate_error(const supervisor_spec& spec, const std::string& id) {
  return spec_error(supervision_errc::duplicate_child_id, spec.path,
                    "child id '" + id + "' appears twice");
}

/// A group's spec is checked once, as its first child; the other ids only as ids. `pos` is
/// the position of the group's first child in start order.
caf::error validate_group(const supervisor_spec& spec, const child_group& g, size_t pos,
                          size_t dup) {
  for (size_t i = 0; i < g.ids.size(); ++i, ++pos) {
    if (i == 0) {
      auto first = g.spec;
      first.id = g.ids.front();
      if (auto err = validate(first, spec.flags))
        return err;
    } else if (auto why = token_error(g.ids[i])) {
      return spec_error(supervision_errc::invalid_spec, "child '" + g.ids[i] + "'", "id " + *why);
    }
    if (pos == dup)
      return duplicate_error(spec, g.ids[i]);
  }
  return {};
}

} // namespace

caf::error validate(const child_spec& child, const supervisor_flags& flags) {
  // Made on error only: an id longer than the short-string buffer would cost an allocation.
  auto where = [&child] { return "child '" + child.id + "'"; };
  if (auto why = token_error(child.id))
    return spec_error(supervision_errc::invalid_spec, where(), "id " + *why);
  if (!child.start)
    return spec_error(supervision_errc::invalid_spec, where(), "missing start function");
  if (child.significant && flags.auto_shutdown_ == auto_shutdown::never)
    return spec_error(supervision_errc::bad_combination, where(),
                      "significant=true requires auto_shutdown other than never");
  if (child.significant && child.restart == restart_type::permanent)
    return spec_error(supervision_errc::bad_combination, where(),
                      "significant=true cannot be combined with restart=permanent");
  if (child.shutdown.kind == shutdown_spec::mode::timeout && child.shutdown.timeout.count() < 0)
    return spec_error(supervision_errc::invalid_spec, where(), "shutdown timeout must be >= 0");
  return child.backoff.enabled() ? validate_backoff(child.backoff, where()) : caf::error{};
}

caf::error validate(const supervisor_spec& spec) {
  if (auto err = validate_flags(spec))
    return err;
  auto dup = first_duplicate_id(spec);
  for (size_t i = 0; i < spec.children.size(); ++i) {
    auto& child = spec.children[i];
    if (auto err = validate(child, spec.flags))
      return err;
    if (i == dup)
      return duplicate_error(spec, child.id);
  }
  auto pos = spec.children.size();
  for (auto& g : spec.groups) {
    if (auto err = validate_group(spec, g, pos, dup))
      return err;
    pos += g.ids.size();
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

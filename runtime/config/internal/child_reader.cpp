// Readers of the keys shared by supervisors and children: flags, restart, shutdown, backoff, settings.
#include "runtime/config/internal/section_readers.hpp"

#include <chrono>
#include <limits>
#include <sstream>

namespace smith::config::internal {

namespace {

using std::chrono::milliseconds;

/// One day: the upper bound of every period and backoff duration.
constexpr int64_t max_duration_ms = 86'400'000;

// Renders a scalar as text (strings unquoted); nullopt for arrays and tables.
std::optional<std::string> scalar_text(const toml::node& node) {
  if (auto* s = node.as_string())
    return s->get();
  if (auto* i = node.as_integer())
    return std::to_string(i->get());
  if (auto* b = node.as_boolean())
    return std::string{b->get() ? "true" : "false"};
  std::ostringstream out;
  if (auto* f = node.as_floating_point())
    out << *f;
  else if (auto* d = node.as_date())
    out << *d;
  else if (auto* t = node.as_time())
    out << *t;
  else if (auto* dt = node.as_date_time())
    out << *dt;
  else
    return std::nullopt;
  return out.str();
}

void check_backoff_cap(toml_reader& r, const toml::table& tbl,
                       const supervision::backoff_spec& out) {
  if (!out.enabled() || out.max >= out.initial)
    return;
  r.fail(config_errc::invalid_value, tbl.get("max_ms")->source(),
         "'max_ms' must be >= 'initial_ms' (" + std::to_string(out.initial.count())
           + ") when backoff is on, got " + std::to_string(out.max.count()));
}

} // namespace

void read_supervisor_keys(toml_reader& r, const toml::table& tbl,
                          supervision::supervisor_flags& flags) {
  using supervision::auto_shutdown;
  using supervision::strategy;
  if (auto x = r.enumeration(tbl, "strategy",
                             {strategy::one_for_one, strategy::one_for_all, strategy::rest_for_one}))
    flags.strategy_ = *x;
  if (auto x = r.integer(tbl, "intensity", 0, 1'000'000))
    flags.intensity = static_cast<int>(*x);
  if (auto x = r.integer(tbl, "period_ms", 1, max_duration_ms))
    flags.period = milliseconds{*x};
  if (auto x = r.enumeration(tbl, "auto_shutdown",
                             {auto_shutdown::never, auto_shutdown::any_significant,
                              auto_shutdown::all_significant}))
    flags.auto_shutdown_ = *x;
}

void read_restart(toml_reader& r, const toml::table& tbl, supervision::restart_type& out) {
  using supervision::restart_type;
  if (auto x = r.enumeration(tbl, "restart",
                             {restart_type::permanent, restart_type::transient,
                              restart_type::temporary}))
    out = *x;
}

void read_shutdown(toml_reader& r, const toml::table& tbl, supervision::shutdown_spec& out) {
  static constexpr std::string_view words[] = {"brutal_kill", "infinity"};
  static const std::string expected =
    "'shutdown' must be \"brutal_kill\", \"infinity\" or an integer number of milliseconds >= 0, got ";
  auto* node = tbl.get("shutdown");
  if (!node)
    return;
  if (auto* word = node->as_string()) {
    if (word->get() == words[0])
      out = supervision::shutdown_spec::brutal_kill();
    else if (word->get() == words[1])
      out = supervision::shutdown_spec::infinity();
    else
      r.fail(config_errc::invalid_value, node->source(),
             expected + "\"" + word->get() + "\"" + suggestion(word->get(), words));
  } else if (auto* ms = node->as_integer()) {
    if (ms->get() >= 0)
      out = supervision::shutdown_spec::after(milliseconds{ms->get()});
    else
      r.fail(config_errc::out_of_range, node->source(), expected + std::to_string(ms->get()));
  } else {
    r.fail(config_errc::wrong_type, node->source(), expected + type_phrase(node->type()));
  }
}

void read_backoff(toml_reader& r, const toml::table& tbl, supervision::backoff_spec& out) {
  auto* backoff = r.table(tbl, "backoff");
  if (!backoff)
    return;
  r.check_keys(*backoff, {"initial_ms", "max_ms", "multiplier", "jitter", "reset_after_ms"},
               "in the backoff of [[domain.pool]]");
  if (auto x = r.integer(*backoff, "initial_ms", 0, max_duration_ms))
    out.initial = milliseconds{*x};
  // An absent max_ms caps every delay at initial_ms (a constant delay).
  auto max = r.integer(*backoff, "max_ms", 0, max_duration_ms);
  out.max = max ? milliseconds{*max} : out.initial;
  if (auto x = r.number(*backoff, "multiplier", 1.0, std::numeric_limits<double>::infinity()))
    out.multiplier = *x;
  if (auto x = r.number(*backoff, "jitter", 0.0, 1.0))
    out.jitter = *x;
  if (auto x = r.integer(*backoff, "reset_after_ms", 1, max_duration_ms))
    out.reset_after = milliseconds{*x};
  if (max)
    check_backoff_cap(r, *backoff, out);
}

namespace {

const char* kind_of(toml::node_type t) {
  switch (t) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "other";
  }
}

} // namespace

void read_settings(toml_reader& r, const toml::table& tbl, std::map<std::string, std::string>& out,
                   std::map<std::string, setting_source>* sources) {
  auto* settings = r.table(tbl, "settings");
  if (!settings)
    return;
  for (auto&& [key, value] : *settings) {
    if (auto text = scalar_text(value)) {
      out.emplace(std::string{key.str()}, std::move(*text));
      if (sources != nullptr)
        sources->emplace(std::string{key.str()},
                         setting_source{kind_of(value.type()), r.position(value.source())});
    } else
      r.fail(config_errc::wrong_type, value.source(),
             "setting " + quoted_key(key.str())
               + " must be a string, integer, float, boolean, date or time, got "
               + type_phrase(value.type()));
  }
}

} // namespace smith::config::internal

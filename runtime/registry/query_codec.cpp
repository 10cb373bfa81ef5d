// Record codec: queries, filters, watch messages and errors (declared in record_codec.hpp).
#include "runtime/registry/record_codec.hpp"

#include <algorithm>
#include <tuple>

#include <caf/message.hpp>
#include <caf/sec.hpp>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/token.hpp"
#include "runtime/registry/registry_errc.hpp"

namespace smith::registry {

namespace {

caf::error bad_query(std::string text) {
  return caf::make_error(caf::sec::invalid_argument, std::move(text));
}

// A filter name: empty matches anything, anything else must be a subject token.
caf::error check_filter_name(std::string_view field, const std::string& value) {
  if (value.empty())
    return {};
  if (auto why = token_error(value))
    return caf::make_error(registry_errc::invalid_name,
                           std::string{field} + " '" + value + "' " + *why);
  return {};
}

template <class Out, class In>
caf::error decode_records(const In& records, int64_t wall_offset, Out& out) {
  for (auto& r : records) {
    auto rec = from_proto(r, wall_offset);
    if (!rec)
      return std::move(rec.error());
    out.push_back(std::move(*rec));
  }
  return {};
}

// The error's context as text: our errors carry exactly one string.
std::string context_text(const caf::error& x) {
  auto& ctx = x.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return ctx.empty() ? std::string{} : caf::to_string(ctx);
}

// Wire and native numberings agree where the codec casts between them.
static_assert(static_cast<int>(registry_errc::invalid_name)
              == v1::REGISTRY_ERROR_CODE_INVALID_NAME);
static_assert(static_cast<int>(registry_errc::no_candidate)
              == v1::REGISTRY_ERROR_CODE_NO_CANDIDATE);
static_assert(static_cast<int>(watch_kind::registered) == v1::WATCH_EVENT_KIND_REGISTERED);
static_assert(static_cast<int>(watch_kind::updated) == v1::WATCH_EVENT_KIND_UPDATED);
static_assert(v1::WatchEventKind_MAX == v1::WATCH_EVENT_KIND_UPDATED);

v1::RegistryErrorCode code_of(const caf::error& x) {
  if (x.category() == caf::detail::error_factory<registry_errc>::category) {
    switch (static_cast<registry_errc>(x.code())) {
      case registry_errc::none: return v1::REGISTRY_ERROR_CODE_UNSPECIFIED;
      case registry_errc::invalid_name: return v1::REGISTRY_ERROR_CODE_INVALID_NAME;
      case registry_errc::invalid_version: return v1::REGISTRY_ERROR_CODE_INVALID_VERSION;
      case registry_errc::invalid_range: return v1::REGISTRY_ERROR_CODE_INVALID_RANGE;
      case registry_errc::duplicate_instance: return v1::REGISTRY_ERROR_CODE_DUPLICATE_INSTANCE;
      case registry_errc::unknown_agent: return v1::REGISTRY_ERROR_CODE_UNKNOWN_AGENT;
      case registry_errc::limit_exceeded: return v1::REGISTRY_ERROR_CODE_LIMIT_EXCEEDED;
      case registry_errc::no_candidate: return v1::REGISTRY_ERROR_CODE_NO_CANDIDATE;
    }
    return v1::REGISTRY_ERROR_CODE_INTERNAL; // a code this build does not know
  }
  if (x == agent::agent_errc::invalid_name)
    return v1::REGISTRY_ERROR_CODE_INVALID_NAME;
  if (x == agent::agent_errc::invalid_version)
    return v1::REGISTRY_ERROR_CODE_INVALID_VERSION;
  if (x == caf::sec::invalid_argument)
    return v1::REGISTRY_ERROR_CODE_INVALID_ARGUMENT;
  return v1::REGISTRY_ERROR_CODE_INTERNAL;
}

// "<category> <code name>" of an error that has no wire code of its own.
std::string origin_of(const caf::error& x) {
  std::string out = caf::to_string(x.category()) + " ";
  if (x.category() == caf::atom("system"))
    return out + caf::to_string(static_cast<caf::sec>(x.code()));
  if (x.category() == caf::detail::error_factory<agent::agent_errc>::category)
    return out + agent::to_string(static_cast<agent::agent_errc>(x.code()));
  return out + "code " + std::to_string(x.code());
}

} // namespace

v1::DiscoverRequest to_proto(const discover_query& x) {
  v1::DiscoverRequest out;
  out.set_capability(x.capability);
  out.set_version_range(x.version_range);
  out.mutable_metadata_filter()->insert(x.metadata.begin(), x.metadata.end());
  out.set_limit(x.limit);
  out.set_include_unhealthy(x.include_unhealthy);
  return out;
}

caf::expected<discover_query> from_proto(const v1::DiscoverRequest& x) {
  if (auto why = token_error(x.capability()))
    return caf::make_error(registry_errc::invalid_name,
                           "DiscoverRequest.capability '" + x.capability() + "' " + *why);
  discover_query out;
  out.capability = x.capability();
  out.version_range = x.version_range();
  out.metadata = {x.metadata_filter().begin(), x.metadata_filter().end()};
  out.limit = x.limit();
  out.include_unhealthy = x.include_unhealthy();
  return out;
}

v1::DiscoverResponse to_proto(const discover_result& x, int64_t wall_offset) {
  v1::DiscoverResponse out;
  for (auto& r : x.records)
    *out.add_records() = to_proto(r, wall_offset);
  out.set_total_matches(x.total);
  return out;
}

caf::expected<discover_result> from_proto(const v1::DiscoverResponse& x, int64_t wall_offset) {
  discover_result out;
  if (auto err = decode_records(x.records(), wall_offset, out.records))
    return err;
  out.total = x.total_matches();
  return out;
}

v1::ListRequest to_proto(const record_filter& x) {
  v1::ListRequest out;
  out.set_domain(x.domain);
  out.set_capability(x.capability);
  out.set_state(x.state == any_state ? agent::v1::LIFECYCLE_STATE_UNSPECIFIED : to_proto(x.state));
  out.set_health(x.health_ == any_health ? v1::HEALTH_UNSPECIFIED : to_proto(x.health_));
  out.set_node(x.node);
  return out;
}

caf::expected<record_filter> from_proto(const v1::ListRequest& x) {
  for (auto [field, value] : {std::pair{"ListRequest.domain", &x.domain()},
                              std::pair{"ListRequest.capability", &x.capability()},
                              std::pair{"ListRequest.node", &x.node()}})
    if (auto err = check_filter_name(field, *value))
      return err;
  record_filter out{x.domain(), x.capability(), x.node(), any_state, any_health};
  if (x.state() != agent::v1::LIFECYCLE_STATE_UNSPECIFIED) {
    auto st = from_proto(x.state(), "ListRequest.state");
    if (!st)
      return std::move(st.error());
    out.state = *st;
  }
  if (x.health() != v1::HEALTH_UNSPECIFIED) {
    auto h = from_proto(x.health(), "ListRequest.health");
    if (!h)
      return std::move(h.error());
    out.health_ = *h;
  }
  return out;
}

v1::WatchRequest to_watch_request(const record_filter& x) {
  v1::WatchRequest out;
  *out.mutable_filter() = to_proto(x);
  return out;
}

caf::expected<record_filter> from_proto(const v1::WatchRequest& x) {
  return from_proto(x.filter()); // an absent filter reads as the default: match everything
}

v1::ListResponse to_list_response(const std::vector<agent_record>& records, int64_t wall_offset) {
  std::vector<const agent_record*> sorted;
  sorted.reserve(records.size());
  for (auto& r : records)
    sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const agent_record* x, const agent_record* y) {
    return std::tie(x->id.domain, x->id.name, x->id.instance)
           < std::tie(y->id.domain, y->id.name, y->id.instance);
  });
  v1::ListResponse out;
  for (auto* r : sorted)
    *out.add_records() = to_proto(*r, wall_offset);
  return out;
}

v1::WatchResponse to_proto(const watch_ack& x, int64_t wall_offset) {
  v1::WatchResponse out;
  auto* snapshot = out.mutable_snapshot();
  *snapshot = to_list_response(x.snapshot, wall_offset);
  snapshot->set_sequence(x.sequence);
  snapshot->set_registry_instance(x.registry_instance);
  return out;
}

caf::expected<watch_ack> from_proto(const v1::WatchResponse& x, int64_t wall_offset) {
  if (!x.has_snapshot())
    return bad_query("WatchResponse.snapshot is missing");
  watch_ack out;
  out.sequence = x.snapshot().sequence();
  out.registry_instance = x.snapshot().registry_instance();
  if (auto err = decode_records(x.snapshot().records(), wall_offset, out.snapshot))
    return err;
  return out;
}

v1::WatchEvent to_proto(const watch_event& x, int64_t wall_offset) {
  v1::WatchEvent out;
  out.set_kind(static_cast<v1::WatchEventKind>(x.kind));
  *out.mutable_record() = to_proto(x.record, wall_offset);
  out.set_sequence(x.sequence);
  if (x.kind == watch_kind::health_changed)
    out.set_previous_health(to_proto(x.previous_health));
  out.set_previous_sequence(x.previous_sequence);
  if (x.kind == watch_kind::updated && x.previous_state != any_state)
    out.set_previous_state(to_proto(x.previous_state));
  out.set_registry_instance(x.registry_instance);
  return out;
}

caf::expected<watch_event> from_proto(const v1::WatchEvent& x, int64_t wall_offset) {
  if (x.kind() == v1::WATCH_EVENT_KIND_UNSPECIFIED || !v1::WatchEventKind_IsValid(x.kind()))
    return bad_query("WatchEvent.kind has no known value (" + std::to_string(x.kind()) + ")");
  if (!x.has_record())
    return bad_query("WatchEvent.record is missing");
  auto rec = from_proto(x.record(), wall_offset);
  if (!rec)
    return std::move(rec.error());
  watch_event out;
  out.kind = static_cast<watch_kind>(x.kind());
  out.record = std::move(*rec);
  out.previous_health = out.record.health_;
  if (out.kind == watch_kind::health_changed) {
    auto h = from_proto(x.previous_health(), "WatchEvent.previous_health");
    if (!h)
      return std::move(h.error());
    out.previous_health = *h;
  }
  if (out.kind == watch_kind::updated) {
    auto st = from_proto(x.previous_state(), "WatchEvent.previous_state");
    if (!st)
      return std::move(st.error());
    out.previous_state = *st;
  }
  out.sequence = x.sequence();
  out.previous_sequence = x.previous_sequence();
  out.registry_instance = x.registry_instance();
  return out;
}

v1::RegistryError to_proto(const caf::error& x) {
  v1::RegistryError out;
  if (!x) {
    out.set_message("no error");
    return out;
  }
  auto code = code_of(x);
  out.set_code(code);
  auto text = context_text(x);
  if (code == v1::REGISTRY_ERROR_CODE_INTERNAL)
    text = origin_of(x) + (text.empty() ? std::string{} : ": " + text);
  out.set_message(std::move(text));
  return out;
}

caf::error from_proto(const v1::RegistryError& x) {
  auto code = x.code();
  if (code >= v1::REGISTRY_ERROR_CODE_INVALID_NAME && code <= v1::REGISTRY_ERROR_CODE_NO_CANDIDATE)
    return caf::make_error(static_cast<registry_errc>(code), x.message());
  if (code == v1::REGISTRY_ERROR_CODE_INVALID_ARGUMENT)
    return bad_query(x.message());
  return caf::make_error(caf::sec::runtime_error,
                         v1::RegistryErrorCode_IsValid(code)
                           ? x.message()
                           : "unknown registry error code " + std::to_string(code) + ": "
                               + x.message());
}

} // namespace smith::registry

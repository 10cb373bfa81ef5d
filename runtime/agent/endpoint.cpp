// Endpoint tables: lookup, validation, and the non-template checks of an invocation.
#include "runtime/agent/endpoint.hpp"

#include <set>

#include <google/protobuf/descriptor.h>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/token.hpp"

namespace smith::agent {

const endpoint* endpoint_table::find(std::string_view action) const {
  for (auto& ep : endpoints)
    if (ep.action == action)
      return &ep;
  return nullptr;
}

namespace {

std::string where(const endpoint& ep, size_t i) {
  return "endpoint #" + std::to_string(i) + " '" + ep.action + "'";
}

caf::error check_action(const endpoint& ep, size_t i) {
  if (auto why = token_error(ep.action))
    return caf::make_error(agent_errc::invalid_name, where(ep, i) + ": " + *why);
  if (ep.action.front() == '_')
    return caf::make_error(agent_errc::invalid_name,
                           where(ep, i) + ": actions may not start with '_' (reserved)");
  return {};
}

} // namespace

caf::error validate(const endpoint_table& table) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < table.endpoints.size(); ++i) {
    auto& ep = table.endpoints[i];
    if (auto err = check_action(ep, i))
      return err;
    if (!seen.insert(ep.action).second)
      return caf::make_error(agent_errc::invalid_name, where(ep, i) + ": duplicate action");
    if (ep.request_type == nullptr || ep.response_type == nullptr)
      return caf::make_error(caf::sec::invalid_argument,
                             where(ep, i) + ": request or response type missing");
    if (!ep.invoke)
      return caf::make_error(caf::sec::invalid_argument, where(ep, i) + ": no invoke function");
  }
  return {};
}

namespace detail {

caf::error check_request(const google::protobuf::Message* request,
                         const google::protobuf::Descriptor* want, std::string_view action) {
  if (request != nullptr && request->GetDescriptor() == want)
    return {}; // the common case, without building the error text
  auto prefix = "endpoint '" + std::string{action} + "' expects " + want->full_name();
  if (request == nullptr)
    return caf::make_error(caf::sec::invalid_argument, prefix + ", got no request");
  auto* got = request->GetDescriptor();
  if (got != want)
    return caf::make_error(caf::sec::invalid_argument,
                           prefix + ", got " + got->full_name()
                             + (got->full_name() == want->full_name()
                                  ? " from another descriptor pool"
                                  : ""));
  return {};
}

caf::error translation_failed(std::string_view action, std::exception_ptr ep) {
  std::string what;
  try {
    std::rethrow_exception(std::move(ep));
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "non-standard exception";
  }
  return caf::make_error(caf::sec::runtime_error,
                         "endpoint '" + std::string{action} + "' translation threw: " + what);
}

caf::error check_call(const caf::actor& agent, caf::timespan timeout, std::string_view action) {
  if (!agent)
    return caf::make_error(caf::sec::invalid_argument,
                           "endpoint '" + std::string{action} + "': no agent to call");
  if (timeout <= caf::timespan::zero())
    return caf::make_error(caf::sec::request_timeout,
                           "endpoint '" + std::string{action}
                             + "': deadline passed before the agent was called");
  return {};
}

} // namespace detail

} // namespace smith::agent

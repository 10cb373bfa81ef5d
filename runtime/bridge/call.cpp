// The non-template part of the call API.
#include "runtime/bridge/call.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_registry.hpp>
#include <caf/sec.hpp>

#include "runtime/bridge/replies.hpp"

namespace smith::bridge {

bridge_actor find_bridge(caf::actor_system& sys) {
  return caf::actor_cast<bridge_actor>(sys.registry().get(bridge_name));
}

wire_payload copy_payload(const google::protobuf::Message& msg) {
  std::shared_ptr<google::protobuf::Message> copy{msg.New()};
  copy->CopyFrom(msg);
  return wire_payload{std::move(copy)};
}

caf::error normalize_call_error(caf::error err) {
  if (err == caf::sec::request_timeout)
    return caf::make_error(wire_code::deadline_exceeded, "no reply before the deadline");
  return as_wire_error(err);
}

} // namespace smith::bridge

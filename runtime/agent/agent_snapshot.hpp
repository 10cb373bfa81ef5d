// An agent's typed state as a serialized protobuf message (the optional `inspect` hook).
#pragma once

#include <string>

#include <caf/meta/type_name.hpp>

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace smith::agent {

/// Answer to `inspect`: the agent's state as one protobuf message. Both fields are empty
/// when the agent type has no on_inspect hook.
struct agent_snapshot {
  /// Full protobuf name of the message, e.g. "smith.examples.v1.CounterValue".
  std::string type;
  /// The message in protobuf binary encoding.
  std::string bytes;
};

/// Serializes `state` (any generated or dynamic message) into a snapshot. Never throws.
agent_snapshot snapshot_of(const google::protobuf::Message& state);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_snapshot& x) {
  return f(caf::meta::type_name("smith.agent_snapshot"), x.type, x.bytes);
}

} // namespace smith::agent

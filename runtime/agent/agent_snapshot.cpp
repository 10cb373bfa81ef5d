// Serialization of an agent's state message for `inspect`.
#include "runtime/agent/agent_snapshot.hpp"

#include <google/protobuf/message.h>

namespace smith::agent {

agent_snapshot snapshot_of(const google::protobuf::Message& state) {
  agent_snapshot out;
  out.type = state.GetDescriptor()->full_name();
  if (!state.SerializeToString(&out.bytes))
    out.bytes.clear();
  return out;
}

} // namespace smith::agent

// One message received from NATS, copied out of nats.c into plain values.
#pragma once

#include <string>

#include <caf/meta/type_name.hpp>

#include "runtime/nats/header_list.hpp"

namespace smith::nats {

/// A received message; owns all of its bytes (the natsMsg is already destroyed).
struct inbound_msg {
  /// Subject the message was published to.
  std::string subject;
  /// Reply subject, empty when none.
  std::string reply;
  /// Headers (nats.c does not keep their order across keys; values of one key keep theirs).
  header_list headers;
  /// Payload bytes.
  std::string data;
  /// True for the server's "no responders" status message (503) on a request's inbox.
  bool no_responders = false;
};

/// CAF 0.17 inspection, so an inbound_msg can travel in CAF messages.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_msg& x) {
  return f(caf::meta::type_name("smith::nats::inbound_msg"), x.subject, x.reply, x.headers, x.data,
           x.no_responders);
}

} // namespace smith::nats

// The one place where non-inspectable types are allowed into CAF messages.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "runtime/supervision/child_spec.hpp"

// child_spec carries a std::function; it only ever travels between actors of one process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::supervision::child_spec)

// Names of storage error codes and the one translation of rocksdb::Status.
#include "runtime/storage/storage_errc.hpp"

#include <rocksdb/status.h>

#include "runtime/core/errc_render.hpp"

namespace smith::storage {

std::string to_string(storage_errc x) {
  switch (x) {
    case storage_errc::none: return "none";
    case storage_errc::not_found: return "not_found";
    case storage_errc::corruption: return "corruption";
    case storage_errc::not_supported: return "not_supported";
    case storage_errc::invalid_argument: return "invalid_argument";
    case storage_errc::io_error: return "io_error";
    case storage_errc::busy: return "busy";
    case storage_errc::incomplete: return "incomplete";
    case storage_errc::shutdown: return "shutdown";
    case storage_errc::unknown_column_family: return "unknown_column_family";
    case storage_errc::closed: return "closed";
    case storage_errc::other: return "other";
    case storage_errc::no_space: return "no_space";
  }
  return "unknown";
}

std::string render_storage_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<storage_errc>(code, ctx);
}

storage_errc to_storage_errc(const rocksdb::Status& s) noexcept {
  using code = rocksdb::Status::Code;
  switch (s.code()) {
    case code::kOk: return storage_errc::none;
    case code::kNotFound: return storage_errc::not_found;
    case code::kCorruption: return storage_errc::corruption;
    case code::kNotSupported: return storage_errc::not_supported;
    case code::kInvalidArgument: return storage_errc::invalid_argument;
    case code::kIOError: return s.IsNoSpace() ? storage_errc::no_space : storage_errc::io_error;
    case code::kBusy:
    case code::kTimedOut:
    case code::kTryAgain: return storage_errc::busy;
    case code::kIncomplete:
    case code::kAborted:
    case code::kMergeInProgress: return storage_errc::incomplete;
    case code::kShutdownInProgress: return storage_errc::shutdown;
    case code::kColumnFamilyDropped: return storage_errc::unknown_column_family;
    default: return storage_errc::other;
  }
}

caf::error make_storage_error(const rocksdb::Status& s, std::string_view what) {
  if (s.ok())
    return caf::error{};
  return make_storage_error(to_storage_errc(s), std::string{what} + ": " + s.ToString());
}

caf::error make_storage_error(storage_errc code, std::string what) {
  return caf::make_error(code, std::move(what));
}

} // namespace smith::storage
